"""The per-dimension public functions, with ``torch.nn.functional``'s names and signatures.

Each is a thin call into the N-D implementation; the 2-D variants carry the full docs.
"""

from __future__ import annotations

from convolab.functional._conv import conv_nd, conv_transpose_nd
from convolab.functional._grad import conv_bias_nd, conv_input_nd, conv_weight_nd
from convolab.functional._pool import avg_pool_nd, max_pool_nd, max_unpool_nd


def conv2d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
    method="auto",
):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (kernel not flipped).

    Parameters
    ----------
    input : ndarray, ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``
    weight : ndarray, ``(C_out, C_in / groups, kH, kW)``
    bias : ndarray ``(C_out,)``, optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), 'valid' or 'same'
        'same' is TensorFlow's 'SAME' for any stride: output ``ceil(H / stride)``, the odd
        padding cell after (:func:`convolab.shape.same_padding`).
    groups : int
        ``C_in`` and ``C_out`` split into ``groups`` independent convolutions (depthwise:
        ``groups = C_in``).
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
    method : {'auto', 'gemm', 'fft', 'direct', 'winograd'}
        How to compute it (same answer, to rounding). 'winograd' needs a 3x3 kernel, stride
        1 and dilation 1; 'auto' asks a cost model. 'fft' and 'winograd' spread a NaN or Inf
        to nearby outputs ('auto' avoids them on such data).

    Returns
    -------
    ndarray, ``(N, C_out, H_out, W_out)``
        ``out[n, o, i, j] = bias[o] + sum_{c,p,q} weight[o, c, p, q] *
        x_pad[n, g*C_in/groups + c, i*sH + p*dH, j*sW + q*dW]``, with sizes from
        :func:`convolab.shape.conv_output_size`. float32 stays float32; other real dtypes
        give float64.
    """
    return conv_nd(
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
        method=method,
    )


def conv1d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
    method="auto",
):
    """1-D cross-correlation of ``(N, C_in, L)`` by ``(C_out, C_in / groups, k)``; see conv2d."""
    return conv_nd(
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
        method=method,
    )


def conv3d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
    method="auto",
):
    """3-D cross-correlation of ``(N, C_in, D, H, W)``; see :func:`conv2d`."""
    return conv_nd(
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
        method=method,
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    ``input (N, C_in, H, W)``, ``weight (C_in, C_out / groups, kH, kW)``; output size
    ``(H - 1)*s - lo - hi + d*(k - 1) + output_padding + 1``
    (:func:`convolab.shape.conv_transpose_output_size`). It is the gradient of
    :func:`conv2d` with respect to its input: every input cell scatters ``weight`` times
    itself onto its window of the output.
    """
    return conv_transpose_nd(
        2, input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """1-D transposed convolution; see :func:`conv_transpose2d`."""
    return conv_transpose_nd(
        1, input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """3-D transposed convolution; see :func:`conv_transpose2d`."""
    return conv_transpose_nd(
        3, input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv2d_input(
    input_size,
    weight,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv2d` w.r.t. its input, as ``torch.nn.grad.conv2d_input``.

    ``input_size`` is the input's shape ``(N, C_in, H, W)`` (or unbatched); ``grad_output``
    has the output's shape. Any padding form of :func:`conv2d`, any ``padding_mode``.
    """
    return conv_input_nd(
        2,
        input_size,
        weight,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv1d_input(
    input_size,
    weight,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv1d` w.r.t. its input; see :func:`conv2d_input`."""
    return conv_input_nd(
        1,
        input_size,
        weight,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv3d_input(
    input_size,
    weight,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv3d` w.r.t. its input; see :func:`conv2d_input`."""
    return conv_input_nd(
        3,
        input_size,
        weight,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv2d_weight(
    input,
    weight_size,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv2d` w.r.t. its weight, as ``torch.nn.grad.conv2d_weight``.

    ``weight_size`` is ``(C_out, C_in / groups, kH, kW)``; returns an array of that shape.
    """
    return conv_weight_nd(
        2,
        input,
        weight_size,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv1d_weight(
    input,
    weight_size,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv1d` w.r.t. its weight; see :func:`conv2d_weight`."""
    return conv_weight_nd(
        1,
        input,
        weight_size,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv3d_weight(
    input,
    weight_size,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of :func:`conv3d` w.r.t. its weight; see :func:`conv2d_weight`."""
    return conv_weight_nd(
        3,
        input,
        weight_size,
        grad_output,
        stride,
        padding,
        dilation,
        groups,
        padding_mode=padding_mode,
    )


def conv1d_bias(grad_output):
    """Gradient of :func:`conv1d` w.r.t. its bias: ``grad_output`` summed but channels."""
    return conv_bias_nd(1, grad_output)


def conv2d_bias(grad_output):
    """Gradient of :func:`conv2d` w.r.t. its bias: ``grad_output`` summed but channels."""
    return conv_bias_nd(2, grad_output)


def conv3d_bias(grad_output):
    """Gradient of :func:`conv3d` w.r.t. its bias: ``grad_output`` summed but channels."""
    return conv_bias_nd(3, grad_output)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling, as ``torch.nn.functional.max_pool2d``.

    ``stride`` defaults to ``kernel_size``; padding (at most ``k // 2``) reads ``-inf``;
    ``ceil_mode`` keeps a last partial window if it starts inside the input or left
    padding. NaN in a window gives NaN, as in torch. With ``return_indices`` also returns,
    per output, the flat index ``h * W + w`` of its maximum in the input plane (torch's
    convention: the first of equal maxima, the last NaN), for :func:`max_unpool2d`.
    """
    return max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-D max pooling; see :func:`max_pool2d`."""
    return max_pool_nd(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """3-D max pooling; see :func:`max_pool2d` (indices ``(d * H + h) * W + w``)."""
    return max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of :func:`max_pool2d` up to its losses, as ``torch.nn.functional.max_unpool2d``.

    Zeros of size ``(H - 1)*s - 2p + k`` per dimension (or ``output_size``, within a stride of
    that), each input value put back at its index. Where windows do not overlap it is
    also max pooling's input gradient: ``max_unpool2d(grad_output, indices, ...)``.
    """
    return max_unpool_nd(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """1-D max unpooling; see :func:`max_unpool2d`."""
    return max_unpool_nd(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """3-D max unpooling; see :func:`max_unpool2d`."""
    return max_unpool_nd(3, input, indices, kernel_size, stride, padding, output_size)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Divides by the window's cells inside the padded input (``count_include_pad``), inside
    the input (``count_include_pad=False``), or by ``divisor_override`` (any non-zero int,
    negative ones included, as torch).
    """
    return avg_pool_nd(
        2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling; see :func:`avg_pool2d` (torch's has no ``divisor_override``)."""
    return avg_pool_nd(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """3-D average pooling; see :func:`avg_pool2d`."""
    return avg_pool_nd(
        3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
