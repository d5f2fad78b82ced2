"""The one windowing primitive: every sliding window as trailing axes of a strided view.

Convolution (im2col), transposed convolution and the input gradient (col2im), pooling,
``unfold``, the banded image passes and the animations all read their windows from
:func:`windows_of`, the way tinygrad's ``_pool`` serves every windowed op.
:func:`sliding_windows` is its public, checked form.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from convolab._args import is_sequence
from convolab.functional._checks import as_batched, shape_error
from convolab.functional._pad import pad_pairs
from convolab.shape import Geometry, conv_geometry


def windows_of(x: np.ndarray, geometry: Geometry, *, writeable=False) -> np.ndarray:
    """``(N, C, *out, *kernel)``: the windows of a padded ``(N, C, *padded)`` array.

    ``windows[n, c, *o, *j] = x[n, c, *(o * stride + j * dilation)]``, a zero-copy view; the
    geometry is the caller's, already checked (its ``out`` windows fit in ``x``).
    ``writeable`` only for scatter-adds that write each offset separately: windows overlap,
    so one memory cell appears under several indices.
    """
    return window_view(
        x, geometry.out, geometry.kernel, geometry.stride, geometry.dilation, writeable
    )


def window_view(x, out, kernel, stride, dilation, writeable=False) -> np.ndarray:
    """:func:`windows_of` from the sizes themselves (``out`` windows, trusted to fit)."""
    steps = x.strides[2:]
    strides = (
        *x.strides[:2],
        *(step * s for step, s in zip(steps, stride)),
        *(step * d for step, d in zip(steps, dilation)),
    )
    return as_strided(x, (*x.shape[:2], *out, *kernel), strides, writeable=writeable)


def sliding_windows(x, kernel_size, stride=1, dilation=1, *, writeable=False) -> np.ndarray:
    """Every window of an already padded array, as a zero-copy strided view.

    Parameters
    ----------
    x : ndarray, shape ``(N, C, *spatial)``
        Input, padded already (this function adds no padding). Any dtype.
    kernel_size, stride, dilation : int or tuple of int
        Per spatial dimension (``ndim = x.ndim - 2``).
    writeable : bool
        Return a writeable view (only for scatter-adds that write each offset separately:
        windows overlap, so one memory cell appears under several indices).

    Returns
    -------
    ndarray, shape ``(N, C, *out, *kernel_size)``
        ``windows[n, c, *o, *j] = x[n, c, *(o * stride + j * dilation)]``, with
        ``out = floor((size - dilation*(k-1) - 1) / stride) + 1`` from
        :func:`convolab.shape.conv_geometry`.

    Examples
    --------
    >>> x = np.arange(5).reshape(1, 1, 5)
    >>> sliding_windows(x, 3, stride=2)[0, 0]
    array([[0, 1, 2],
           [2, 3, 4]])
    """
    x = np.asarray(x)
    if x.ndim < 3:
        raise shape_error("x", x.shape, "an array (N, C, *spatial) with at least 1 spatial axis")
    geometry = conv_geometry(x.shape[2:], kernel_size, stride, 0, dilation, ndim=x.ndim - 2)
    return windows_of(x, geometry, writeable=writeable)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> np.ndarray:
    """Sliding blocks as columns, like ``torch.nn.functional.unfold``.

    Parameters
    ----------
    input : ndarray, shape ``(N, C, *spatial)`` or ``(C, *spatial)``
        ``len(spatial)`` is ``len(kernel_size)``, or 2 when ``kernel_size`` is an int
        (torch's only case). ``N`` may be 0.
    kernel_size, dilation, padding, stride : int or tuple of int
        ``padding`` is zero padding, in any form :func:`convolab.shape.conv_geometry` takes.

    Returns
    -------
    ndarray, shape ``(N, C * prod(kernel_size), L)``
        Column ``l`` holds the window of output cell ``l`` (row-major), channel-major then
        kernel offset; ``(C * prod(kernel_size), L)`` for unbatched input.
    """
    ndim = len(kernel_size) if is_sequence(kernel_size) and len(kernel_size) > 1 else 2
    x, unbatched = as_batched(input, ndim)
    geometry = conv_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ndim=ndim)
    windows = windows_of(pad_pairs(x, geometry.pads), geometry)  # (N, C, *out, *k)
    n, c = x.shape[:2]
    out_axes = tuple(range(2, 2 + ndim))
    kernel_axes = tuple(range(2 + ndim, 2 + 2 * ndim))
    blocks = windows.transpose(0, 1, *kernel_axes, *out_axes)  # (N, C, *k, *out)
    cols = blocks.reshape(n, c * math.prod(geometry.kernel), math.prod(geometry.out))
    return cols[0] if unbatched else cols
