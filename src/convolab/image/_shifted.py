"""Small kernels as shifted multiply-adds: one BLAS ``axpy`` per kernel tap.

In a channel-last ``(Hp, Wp, C)`` array flattened row-major, the sample ``(y + i, x + j, c)``
sits ``(i * Wp + j) * C`` elements after ``(y, x, c)``. So ``sum_ij K[i, j] P[y + i, x + j]``
for every pixel and channel at once is, per tap, one ``acc += K[i, j] * flat[offset:]``
(``axpy``: a single streaming pass, no transposes), read back as
``acc.reshape(Hp, Wp, C)[:H, :W]``; the last ``kw - 1`` columns of each row mix two rows and
are not kept. ``kh * kw`` passes (``kh + kw`` for a separable kernel) beat a matrix product
when the kernel is small.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas

from convolab.image._source import scratch


def shifted_correlate(
    src: np.ndarray, taps: list[tuple[int, int, float]], kh: int, kw: int, role: str = "acc"
) -> np.ndarray:
    """``sum_(i, j, w) w * src[i:i + H, j:j + W]`` for a contiguous ``(Hp, Wp, C)`` array.

    Returns a view ``(Hp - kh + 1, Wp - kw + 1, C)`` into this thread's ``role`` buffer
    (:func:`._source.scratch`), valid until the thread's next call with that role.
    """
    hp, wp, c = src.shape
    flat = src.reshape(-1)  # (Hp * Wp * C,), a view: src is contiguous
    acc = scratch(role, (hp * wp * c,), src.dtype)  # cells past n are never read
    n = ((hp - kh + 1) * wp - (kw - 1)) * c  # every output sample, and the unused row ends
    if not taps:
        acc.fill(0)
    axpy = blas.saxpy if src.dtype == np.float32 else blas.daxpy
    for t, (i, j, weight) in enumerate(taps):
        offset = (i * wp + j) * c
        if t == 0:  # the first tap writes, saving a pass of zeros
            np.multiply(flat[offset : offset + n], weight, out=acc[:n])
        else:
            axpy(flat, acc, n=n, a=weight, offx=offset)  # acc[:n] += w * flat[off:off + n]
    return acc.reshape(hp, wp, c)[: hp - kh + 1, : wp - kw + 1]


def kernel_taps(kernel: np.ndarray) -> list[tuple[int, int, float]]:
    """``(i, j, K[i, j])`` for every non-zero entry."""
    return [(i, j, float(kernel[i, j])) for i, j in zip(*np.nonzero(kernel))]


def shifted_stripe(src: np.ndarray, kernel: np.ndarray, factors) -> np.ndarray:
    """Valid correlation of ``src`` ``(S + kh - 1, Wp, C)``: a ``(S, W, C)`` view."""
    kh, kw = kernel.shape
    if factors is None:
        return shifted_correlate(src, kernel_taps(kernel), kh, kw)
    u, v = factors
    columns = shifted_correlate(src, kernel_taps(u[:, None]), kh, 1, "columns")  # (S, Wp, C)
    return shifted_correlate(columns, kernel_taps(v[None, :]), 1, kw)
