"""Output sizes of convolution, transposed convolution and pooling: views of a Geometry.

The formulas live in :mod:`convolab.shape._geometry`; each function here builds the geometry
(which validates every argument) and answers with its output size: an int when every
argument is an int, else one entry per spatial dimension.
"""

from __future__ import annotations

from convolab._args import unwrap
from convolab.shape._geometry import conv_geometry, pool_geometry, transpose_geometry


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int or tuple of int
        Input size W, kernel size k (>= 1), stride s (>= 1), dilation d (>= 1); a one-element
        tuple broadcasts, as in torch.
    padding : int, tuple, tuple of (lo, hi) pairs, 'valid', 'same' or 'causal'
        Zero padding added to each side; 'same' is TensorFlow's 'SAME' (output ceil(W / s));
        'causal' pads ``d*(k-1)`` cells before and none after.

    Returns
    -------
    int or tuple of int
        ``floor((W + lo + hi - d*(k-1) - 1) / s) + 1`` per dimension: an int when every
        argument is an int, else a tuple.

    Examples
    --------
    >>> conv_output_size(224, 11, stride=4, padding=2)
    55
    >>> conv_output_size((32, 100), (4, 4), padding="same")
    (32, 100)
    >>> conv_output_size(16, 3, stride=2, padding="causal", dilation=4)
    8
    """
    geometry = conv_geometry(size, kernel_size, stride, padding, dilation)
    return unwrap(geometry.out, geometry.scalar)


def conv_transpose_output_size(
    size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    """Output size of a transposed convolution (the gradient of a convolution).

    ``out = (W - 1)*s - lo - hi + d*(k-1) + output_padding + 1`` per dimension, with
    ``0 <= output_padding < max(s, d)`` as PyTorch requires: the extra cells pick which of the
    ``s`` input sizes that share a convolution output size this transposes back to.

    Examples
    --------
    >>> conv_transpose_output_size(7, 3, stride=2, padding=1, output_padding=1)
    14
    """
    geometry = transpose_geometry(size, kernel_size, stride, padding, output_padding, dilation)
    return unwrap(geometry.out, geometry.scalar)


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Output size of max or average pooling, exactly as PyTorch computes it.

    ``stride`` defaults to ``kernel_size``. Padding is symmetric and at most half the kernel
    (``p <= k // 2``, PyTorch's limit). With ``ceil_mode`` the division rounds up, but a
    window that would start in the right padding is dropped; a window may then reach past
    the padded input (``pool_output_size(1, 2, 2, ceil_mode=True)`` is 1, as in torch).

    Examples
    --------
    >>> pool_output_size(55, 3, stride=2)
    27
    >>> pool_output_size(6, 3, stride=2, ceil_mode=True)
    3
    """
    geometry = pool_geometry(size, kernel_size, stride, padding, dilation, ceil_mode)
    return unwrap(geometry.out, geometry.scalar)
