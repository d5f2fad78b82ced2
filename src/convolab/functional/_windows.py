"""The one windowing primitive: every sliding window as trailing axes of a strided view.

Convolution (im2col), transposed convolution and the input gradient (col2im), pooling,
``unfold`` and the animations all read their windows from :func:`sliding_windows`, the way
tinygrad's ``_pool`` serves every windowed op.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from convolab._args import as_tuple, is_sequence
from convolab.functional._common import as_batched, shape_error, unbatch
from convolab.functional._pad import pad_pairs
from convolab.shape import conv_output_size, resolve_padding


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
        :func:`convolab.shape.conv_output_size`.

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
    try:
        kernel, stride, dilation, out = _window_geometry(x.shape, kernel_size, stride, dilation)
    except TypeError:  # lists are not hashable: validate without the cache
        kernel, stride, dilation, out = _window_geometry.__wrapped__(
            x.shape, kernel_size, stride, dilation
        )
    steps = x.strides[2:]
    strides = (
        *x.strides[:2],
        *(step * s for step, s in zip(steps, stride)),
        *(step * d for step, d in zip(steps, dilation)),
    )
    return as_strided(x, (*x.shape[:2], *out, *kernel), strides, writeable=writeable)


@functools.lru_cache(maxsize=256, typed=True)
def _window_geometry(shape, kernel_size, stride, dilation):
    """Validated kernel, stride, dilation tuples and the window counts (cached: repeated)."""
    ndim = len(shape) - 2
    kernel = as_tuple(kernel_size, ndim, "kernel_size", minimum=1)
    stride = as_tuple(stride, ndim, "stride", minimum=1)
    dilation = as_tuple(dilation, ndim, "dilation", minimum=1)
    return kernel, stride, dilation, conv_output_size(shape[2:], kernel, stride, 0, dilation)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> np.ndarray:
    """Sliding blocks as columns, like ``torch.nn.functional.unfold``.

    Parameters
    ----------
    input : ndarray, shape ``(N, C, *spatial)`` or ``(C, *spatial)``
        ``len(spatial)`` is ``len(kernel_size)``, or 2 when ``kernel_size`` is an int
        (torch's only case).
    kernel_size, dilation, padding, stride : int or tuple of int
        ``padding`` is zero padding, in any form :func:`convolab.shape.resolve_padding` takes.

    Returns
    -------
    ndarray, shape ``(N, C * prod(kernel_size), L)``
        Column ``l`` holds the window of output cell ``l`` (row-major), channel-major then
        kernel offset; ``(C * prod(kernel_size), L)`` for unbatched input.
    """
    ndim = len(kernel_size) if is_sequence(kernel_size) else 2
    x, unbatched = as_batched(input, ndim)
    kernel = as_tuple(kernel_size, ndim, "kernel_size", minimum=1)
    pads = resolve_padding(padding, x.shape[2:], kernel, stride, dilation)
    windows = sliding_windows(pad_pairs(x, pads), kernel, stride, dilation)  # (N, C, *out, *k)
    n, c = x.shape[:2]
    out_axes = tuple(range(2, 2 + ndim))
    kernel_axes = tuple(range(2 + ndim, 2 + 2 * ndim))
    blocks = windows.transpose(0, 1, *kernel_axes, *out_axes)  # (N, C, *k, *out)
    cols = blocks.reshape(n, c * math.prod(kernel), -1)  # (N, C*K, L)
    return unbatch(cols, unbatched)
