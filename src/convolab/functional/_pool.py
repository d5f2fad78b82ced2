"""Max and average pooling on :func:`sliding_windows`, with PyTorch's rules.

Output sizes come from :func:`convolab.shape.pool_output_size` (``ceil_mode`` included).
Windows that ``ceil_mode`` lets hang past the padded input read ``-inf`` (max) or ``0``
(average) there; the average divides by the cells of each window inside the padded input
(``count_include_pad=True``) or inside the input itself (``False``), or by
``divisor_override``.
"""

from __future__ import annotations

import numpy as np

from convolab._args import as_int, as_tuple
from convolab.functional._common import as_batched, unbatch
from convolab.functional._pad import pad_pairs
from convolab.functional._windows import sliding_windows
from convolab.shape import pool_output_size


def _geometry(ndim, size, kernel_size, stride, padding, dilation, ceil_mode):
    """Kernel, stride, dilation, ``(lo, hi)`` pairs (ceil-mode overhang included), out."""
    kernel = as_tuple(kernel_size, ndim, "kernel_size", minimum=1)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    stride = kernel if no_stride else as_tuple(stride, ndim, "stride", minimum=1)
    dilation = as_tuple(dilation, ndim, "dilation", minimum=1)
    pads = as_tuple(padding, ndim, "padding", minimum=0)
    out = pool_output_size(size, kernel, stride, pads, dilation, bool(ceil_mode))
    pairs = tuple(
        (p, p + max(0, (o - 1) * s + d * (k - 1) + 1 - (w + 2 * p)))
        for w, k, s, d, p, o in zip(size, kernel, stride, dilation, pads, out)
    )
    return kernel, stride, dilation, pairs, out


def _reduce(windows: np.ndarray, ndim: int, out, combine) -> np.ndarray:
    """Combine the kernel offsets of ``windows`` (N, C, *o, *k) one offset at a time."""
    first = (slice(None), slice(None), *(slice(0, o) for o in out))
    kernel = windows.shape[2 + ndim :]
    result = windows[first][(Ellipsis, *(0,) * ndim)].copy()  # (N, C, *out)
    for index in list(np.ndindex(*kernel))[1:]:
        combine(result, windows[first][(Ellipsis, *index)], out=result)
    return result


def max_pool_nd(ndim, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max pooling in ``ndim`` dimensions; see :func:`max_pool2d`."""
    x, unbatched = as_batched(input, ndim)
    kernel, stride, dilation, pairs, out = _geometry(
        ndim, x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode
    )
    xp = pad_pairs(x, pairs, "constant", -np.inf)  # (N, C, *padded)
    windows = sliding_windows(xp, kernel, stride, dilation)  # (N, C, *out, *k)
    return unbatch(_reduce(windows, ndim, out, np.maximum), unbatched)


def _window_counts(size, kernel, stride, pairs, out, inside_padding: bool) -> np.ndarray:
    """Cells each window covers inside the input (or the symmetrically padded input)."""
    counts = np.ones((), dtype=np.float64)
    for w, k, s, (lo, hi), o in zip(size, kernel, stride, pairs, out):
        mask = np.zeros(w + lo + hi)
        mask[(0 if inside_padding else lo) : (2 * lo + w if inside_padding else lo + w)] = 1
        per_axis = sliding_windows(mask[None, None], k, s).sum(-1)[0, 0, :o]  # (o,)
        counts = np.multiply.outer(counts, per_axis)
    return counts  # (*out)


def avg_pool_nd(
    ndim,
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """Average pooling in ``ndim`` dimensions; see :func:`avg_pool2d`."""
    x, unbatched = as_batched(input, ndim)
    kernel, stride, _, pairs, out = _geometry(
        ndim, x.shape[2:], kernel_size, stride, padding, 1, ceil_mode
    )
    windows = sliding_windows(pad_pairs(x, pairs), kernel, stride)  # (N, C, *out, *k)
    with np.errstate(all="ignore"):
        total = _reduce(windows, ndim, out, np.add)  # (N, C, *out)
        if divisor_override is not None:
            divisor = as_int(divisor_override, "divisor_override", minimum=1)
        else:
            divisor = _window_counts(
                x.shape[2:], kernel, stride, pairs, out, bool(count_include_pad)
            )
        total /= np.asarray(divisor, dtype=total.dtype)
    return unbatch(total, unbatched)
