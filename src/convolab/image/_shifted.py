"""Small kernels as shifted multiply-adds: one BLAS ``axpy`` per kernel tap.

In a row-major plane of width ``Wp``, the pixel ``(y + i, x + j)`` sits ``i * Wp + j`` elements
after ``(y, x)``. So ``sum_ij K[i, j] P[y + i, x + j]`` over the whole plane is, per tap, one
``acc += K[i, j] * flat[i * Wp + j :]`` on the flattened plane (``axpy``, a single streaming
pass), with the output at ``acc.reshape(Hp, Wp)[:H, :W]``; the last ``kw - 1`` columns of each
row mix two rows and are simply not kept. ``kh * kw`` passes (``kh + kw`` for a separable
kernel) beat a matrix product when the kernel is small.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas


def _axpy(dtype: np.dtype):
    return blas.saxpy if dtype == np.float32 else blas.daxpy


def shifted_correlate(
    plane: np.ndarray, taps: list[tuple[int, int, float]], kh: int, kw: int
) -> np.ndarray:
    """``sum_(i, j, w) w * plane[i:i + H, j:j + W]`` for a contiguous ``(Hp, Wp)`` plane.

    Returns a view ``(Hp - kh + 1, Wp - kw + 1)`` into a new buffer.
    """
    hp, wp = plane.shape
    flat = plane.reshape(-1)  # (Hp * Wp,), a view: plane is contiguous
    acc = np.zeros(hp * wp, dtype=plane.dtype)
    n = (hp - kh + 1) * wp - (kw - 1)  # every output pixel, and the unused row ends
    axpy = _axpy(plane.dtype)
    for i, j, weight in taps:
        axpy(flat, acc, n=n, a=weight, offx=i * wp + j)  # acc[:n] += w * flat[off:off + n]
    return acc.reshape(hp, wp)[: hp - kh + 1, : wp - kw + 1]


def kernel_taps(kernel: np.ndarray) -> list[tuple[int, int, float]]:
    """``(i, j, K[i, j])`` for every non-zero entry."""
    return [(i, j, float(kernel[i, j])) for i, j in zip(*np.nonzero(kernel))]


def shifted_planes(src: np.ndarray, kernel: np.ndarray, factors, out: np.ndarray) -> None:
    """Valid correlation of ``src`` ``(C, S + kh - 1, Wp)`` into ``out`` ``(C, S, W)``."""
    kh, kw = kernel.shape
    for c in range(src.shape[0]):
        plane = np.ascontiguousarray(src[c])  # (S + kh - 1, Wp)
        if factors is None:
            out[c] = shifted_correlate(plane, kernel_taps(kernel), kh, kw)
            continue
        u, v = factors
        columns = shifted_correlate(plane, kernel_taps(u[:, None]), kh, 1)  # (S, Wp)
        out[c] = shifted_correlate(np.ascontiguousarray(columns), kernel_taps(v[None, :]), 1, kw)
