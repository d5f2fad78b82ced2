"""Small kernels as shifted multiply-adds: one BLAS ``axpy`` per kernel tap.

In a channel-last ``(Hp, Wp, C)`` array flattened row-major, the sample ``(y + i, x + j, c)``
sits ``(i * Wp + j) * C`` elements after ``(y, x, c)``. So ``sum_ij K[i, j] P[y + i, x + j]``
for every pixel and channel at once is, per tap, one ``acc += K[i, j] * flat[offset:]``
(``axpy``: a single streaming pass, no transposes), read back as
``acc.reshape(Hp, Wp, C)[:H, :W]``; the last ``kw - 1`` columns of each row mix two rows and
are not kept. ``kh * kw`` passes (``kh + kw`` for a separable kernel) beat a matrix product
when the kernel is small. A separable kernel's column pass shifts by whole rows, so it needs
no padding and writes straight into the result (:func:`column_taps`); its row pass runs on
unpadded rows, leaving the ``k - 1`` border columns to the caller (:func:`row_taps`).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas

from convolab.functional._runtime import scratch


def shifted_correlate(src: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid correlation of a contiguous ``(Hp, Wp, C)`` array with ``kernel`` ``(kh, kw)``.

    Returns a view ``(Hp - kh + 1, Wp - kw + 1, C)`` into this thread's ``'acc'`` buffer
    (:func:`._runtime.scratch`), valid until the thread's next call.
    """
    (hp, wp, c), (kh, kw) = src.shape, kernel.shape
    acc = scratch("acc", (hp * wp * c,), src.dtype)  # cells past n are never read
    n = ((hp - kh + 1) * wp - (kw - 1)) * c  # every output sample, and the unused row ends
    i, j = np.nonzero(kernel)  # row-major, as scipy.ndimage's own loop
    _accumulate(src.reshape(-1), acc, n, list((i * wp + j) * c), kernel[i, j])
    return acc.reshape(hp, wp, c)[: hp - kh + 1, : wp - kw + 1]


def _accumulate(flat, acc, n: int, offsets, weights, start: int = 0) -> None:
    """``acc[start:start + n] = sum_t weights[t] * flat[offsets[t]:offsets[t] + n]`` over the
    non-zero weights (as scipy.ndimage, so a NaN under a zero weight stays out): the first a
    multiply, every other one a BLAS ``axpy`` (one streaming pass each). Unit weights at both
    ends (symmetric kernels, :func:`._planes.separable_factors`) are one ``add`` instead."""
    taps = [(offset, float(weight)) for offset, weight in zip(offsets, weights) if weight]
    target = acc[start : start + n]
    if not taps:
        target.fill(0)
        return
    (first, w_first), (last, w_last) = taps[0], taps[-1]
    if len(taps) > 1 and w_first == w_last == 1.0:
        np.add(flat[first : first + n], flat[last : last + n], out=target)
        taps = taps[1:-1]
    else:
        np.multiply(flat[first : first + n], w_first, out=target)
        taps = taps[1:]
    axpy = blas.saxpy if flat.dtype == np.float32 else blas.daxpy
    for offset, weight in taps:
        axpy(flat, acc, n=n, a=weight, offx=offset, offy=start)


def row_taps(src: np.ndarray, weights: np.ndarray, out: np.ndarray, left: int) -> None:
    """``out[:, x] = sum_j w[j] src[:, x + j - left]``, 1-D correlation along the rows.

    ``src`` and ``out`` are contiguous ``(R, W, C)``. The flattened rows take one ``axpy`` per
    tap (module notes), written ``left`` columns on, so only the ``k - 1`` output columns
    whose windows leave the row (the first ``left``, the last ``k - 1 - left``) are wrong:
    they mix neighbouring rows (or zeros at the two ends) and are the caller's to replace.
    """
    r, w, c = src.shape
    k = weights.shape[0]
    flat, acc = src.reshape(-1), out.reshape(-1)
    n = max(r * w - (k - 1), 0) * c  # outputs of the flattened pass
    acc[: left * c] = 0
    acc[left * c + n :] = 0
    if n:
        _accumulate(flat, acc, n, [j * c for j in range(k)], weights, left * c)


def column_taps(src: np.ndarray, weights: np.ndarray, out: np.ndarray) -> None:
    """``out[s] = sum_i w[i] src[s + i]`` for contiguous rows ``src`` ``(S + k - 1, L)`` and
    ``out`` ``(S, L)``: row shifts are whole rows of the flattened arrays, one ``axpy`` each."""
    step = src.shape[1]
    offsets = [i * step for i in range(weights.shape[0])]
    _accumulate(src.reshape(-1), out.reshape(-1), out.size, offsets, weights)
