"""The per-dimension public functions, with ``torch.nn.functional``'s names and signatures.

Each ``<op>{1,2,3}d`` is its N-D implementation with the first argument, the number of
spatial dimensions, fixed by :func:`_per_dimension`, which gives it torch's name, the N-D
signature without that argument, and its docstring (the 2-D variants carry the full docs).
"""

from __future__ import annotations

import inspect

from convolab.functional._conv import conv_nd, conv_transpose_nd
from convolab.functional._grad import conv_bias_nd, conv_input_nd, conv_weight_nd
from convolab.functional._pool import avg_pool_nd, max_pool_nd, max_unpool_nd


def _per_dimension(nd_function, ndim: int, name: str, doc: str):
    """``nd_function(ndim, ...)`` as a public function named ``name``, documented by ``doc``."""

    def function(*args, **kwargs):
        return nd_function(ndim, *args, **kwargs)

    parameters = list(inspect.signature(nd_function).parameters.values())[1:]
    function.__signature__ = inspect.Signature(parameters)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__module__ = "convolab.functional"
    return function


conv1d = _per_dimension(
    conv_nd,
    1,
    "conv1d",
    """1-D cross-correlation of ``(N, C_in, L)`` by ``(C_out, C_in / groups, k)``; see conv2d.""",
)

conv2d = _per_dimension(
    conv_nd,
    2,
    "conv2d",
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (kernel not flipped).

    Parameters
    ----------
    input : ndarray, ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``
    weight : ndarray, ``(C_out, C_in / groups, kH, kW)``
    bias : ndarray ``(C_out,)``, optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), 'valid', 'same' or 'causal'
        'same' is TensorFlow's 'SAME' for any stride: output ``ceil(H / stride)``, the odd
        padding cell after (:func:`convolab.shape.same_padding`); 'causal' pads ``d*(k-1)``
        before and nothing after (each output sees no later input).
    groups : int
        ``C_in`` and ``C_out`` split into ``groups`` independent convolutions (depthwise:
        ``groups = C_in``).
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
    method : {'auto', 'gemm', 'fft', 'direct', 'winograd', 'toeplitz'}
        How to compute it (same answer, to rounding). 'winograd' needs a 3x3 kernel, stride
        1 and dilation 1; 'toeplitz' (one product with a banded weight matrix, for narrow
        maps) a 1-D or 2-D layer; 'auto' asks a cost model. 'fft', 'winograd' and
        'toeplitz' spread a NaN or Inf to nearby outputs ('auto' avoids them on such data).

    Returns
    -------
    ndarray, ``(N, C_out, H_out, W_out)``
        ``out[n, o, i, j] = bias[o] + sum_{c,p,q} weight[o, c, p, q] *
        x_pad[n, g*C_in/groups + c, i*sH + p*dH, j*sW + q*dW]``, with sizes from
        :func:`convolab.shape.conv_output_size`. float32 stays float32; other real dtypes
        give float64.
    """,
)

conv3d = _per_dimension(
    conv_nd,
    3,
    "conv3d",
    """3-D cross-correlation of ``(N, C_in, D, H, W)``; see :func:`conv2d`.""",
)

conv_transpose1d = _per_dimension(
    conv_transpose_nd,
    1,
    "conv_transpose1d",
    """1-D transposed convolution; see :func:`conv_transpose2d`.""",
)

conv_transpose2d = _per_dimension(
    conv_transpose_nd,
    2,
    "conv_transpose2d",
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    ``input (N, C_in, H, W)``, ``weight (C_in, C_out / groups, kH, kW)``; output size
    ``(H - 1)*s - lo - hi + d*(k - 1) + output_padding + 1``
    (:func:`convolab.shape.conv_transpose_output_size`). It is the gradient of
    :func:`conv2d` with respect to its input: every input cell scatters ``weight`` times
    itself onto its window of the output.
    """,
)

conv_transpose3d = _per_dimension(
    conv_transpose_nd,
    3,
    "conv_transpose3d",
    """3-D transposed convolution; see :func:`conv_transpose2d`.""",
)

conv1d_input = _per_dimension(
    conv_input_nd,
    1,
    "conv1d_input",
    """Gradient of :func:`conv1d` w.r.t. its input; see :func:`conv2d_input`.""",
)

conv2d_input = _per_dimension(
    conv_input_nd,
    2,
    "conv2d_input",
    """Gradient of :func:`conv2d` w.r.t. its input, as ``torch.nn.grad.conv2d_input``.

    ``input_size`` is the input's shape ``(N, C_in, H, W)`` (or unbatched); ``grad_output``
    has the output's shape. Any padding form of :func:`conv2d`, any ``padding_mode``.
    """,
)

conv3d_input = _per_dimension(
    conv_input_nd,
    3,
    "conv3d_input",
    """Gradient of :func:`conv3d` w.r.t. its input; see :func:`conv2d_input`.""",
)

conv1d_weight = _per_dimension(
    conv_weight_nd,
    1,
    "conv1d_weight",
    """Gradient of :func:`conv1d` w.r.t. its weight; see :func:`conv2d_weight`.""",
)

conv2d_weight = _per_dimension(
    conv_weight_nd,
    2,
    "conv2d_weight",
    """Gradient of :func:`conv2d` w.r.t. its weight, as ``torch.nn.grad.conv2d_weight``.

    ``weight_size`` is ``(C_out, C_in / groups, kH, kW)``; returns an array of that shape.
    """,
)

conv3d_weight = _per_dimension(
    conv_weight_nd,
    3,
    "conv3d_weight",
    """Gradient of :func:`conv3d` w.r.t. its weight; see :func:`conv2d_weight`.""",
)

conv1d_bias = _per_dimension(
    conv_bias_nd,
    1,
    "conv1d_bias",
    """Gradient of :func:`conv1d` w.r.t. its bias: ``grad_output`` summed but channels.""",
)

conv2d_bias = _per_dimension(
    conv_bias_nd,
    2,
    "conv2d_bias",
    """Gradient of :func:`conv2d` w.r.t. its bias: ``grad_output`` summed but channels.""",
)

conv3d_bias = _per_dimension(
    conv_bias_nd,
    3,
    "conv3d_bias",
    """Gradient of :func:`conv3d` w.r.t. its bias: ``grad_output`` summed but channels.""",
)

max_pool1d = _per_dimension(
    max_pool_nd,
    1,
    "max_pool1d",
    """1-D max pooling; see :func:`max_pool2d`.""",
)

max_pool2d = _per_dimension(
    max_pool_nd,
    2,
    "max_pool2d",
    """2-D max pooling, as ``torch.nn.functional.max_pool2d``.

    ``stride`` defaults to ``kernel_size``; padding (at most ``k // 2``) reads ``-inf``;
    ``ceil_mode`` keeps a last partial window if it starts inside the input or left
    padding. NaN in a window gives NaN, as in torch. With ``return_indices`` also returns,
    per output, the flat index ``h * W + w`` of its maximum in the input plane (torch's
    convention: the first of equal maxima, the last NaN), for :func:`max_unpool2d`.
    """,
)

max_pool3d = _per_dimension(
    max_pool_nd,
    3,
    "max_pool3d",
    """3-D max pooling; see :func:`max_pool2d` (indices ``(d * H + h) * W + w``).""",
)

max_unpool1d = _per_dimension(
    max_unpool_nd,
    1,
    "max_unpool1d",
    """1-D max unpooling; see :func:`max_unpool2d`.""",
)

max_unpool2d = _per_dimension(
    max_unpool_nd,
    2,
    "max_unpool2d",
    """The inverse of :func:`max_pool2d` up to its losses, as ``torch.nn.functional.max_unpool2d``.

    Zeros of size ``(H - 1)*s - 2p + k`` per dimension (or ``output_size``, within a stride of
    that), each input value put back at its index. Where windows do not overlap it is
    also max pooling's input gradient: ``max_unpool2d(grad_output, indices, ...)``.
    """,
)

max_unpool3d = _per_dimension(
    max_unpool_nd,
    3,
    "max_unpool3d",
    """3-D max unpooling; see :func:`max_unpool2d`.""",
)

avg_pool2d = _per_dimension(
    avg_pool_nd,
    2,
    "avg_pool2d",
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Divides by the window's cells inside the padded input (``count_include_pad``), inside
    the input (``count_include_pad=False``), or by ``divisor_override`` (any non-zero int,
    negative ones included, as torch).
    """,
)

avg_pool3d = _per_dimension(
    avg_pool_nd,
    3,
    "avg_pool3d",
    """3-D average pooling; see :func:`avg_pool2d`.""",
)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling; see :func:`avg_pool2d` (torch's has no ``divisor_override``)."""
    return avg_pool_nd(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad)
