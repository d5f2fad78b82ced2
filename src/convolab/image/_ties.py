"""Integer outputs rounded exactly, even when computed in float32 or through FFT.

Rounding ``x.5`` ties is only as exact as the sum it rounds. An output within ``tol`` of a
tie, where ``tol`` bounds the error of the computation (``|error| <= n eps sum|w_i x_i|`` for a
sum of ``n`` products, Higham, *Accuracy and Stability of Numerical Algorithms*, 3.1), is
recomputed from its window in float64, the precision of ``scipy.ndimage``'s own sums, and
stored already rounded. The windows come from :func:`convolab.functional.sliding_windows`.
uint8 images are filtered in float32 this way (half the memory traffic of float64) whenever
fewer than about 1 output in 250 needs a second look.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional import sliding_windows
from convolab.image._source import scratch

TIE_BUDGET = 2e-3  # largest float32 tolerance worth it: ~0.4% of the outputs recomputed
_SAFETY = 4.0
_CHUNK = 1 << 20  # window elements gathered at a time
_MAX_SHIFT = 12  # weights with finer binary fractions are not checked for exact sums


def tie_tolerance(count: float, work: np.dtype, top: float, l1: float) -> float:
    """Error bound of a sum of ``count`` products of pixels ``<= top`` with weights ``l1``."""
    return _SAFETY * count * np.finfo(work).eps * top * l1


def exact_sums(weights: list[np.ndarray], work: np.dtype, top: int) -> bool:
    """True when passes with these weights over integers ``<= top`` make no rounding error.

    Weights that are multiples of ``2**-m`` (integers, 1/4, 1/16, ... as in Sobel, Laplacian,
    sharpen, 4x4 box) keep every partial sum on a grid of ``2**-M`` (``M`` the sum of the
    passes' ``m``); sums below ``2**(mantissa - M)`` are then exact in any order, ties
    included, and need no re-check.
    """
    bits, magnitude = 0, float(top)
    for w in weights:
        m = next((m for m in range(_MAX_SHIFT + 1) if np.all(np.ldexp(w, m) % 1 == 0)), None)
        if m is None:
            return False
        bits, magnitude = bits + m, magnitude * float(np.abs(w).sum())
    return magnitude * 2.0**bits < 2.0 ** np.finfo(work).nmant


def fft_error_terms(shape: tuple[int, int]) -> float:
    """The ``count`` for an FFT of ``N`` points: its error grows like ``sqrt(N) log2(N)``."""
    n = max(math.prod(shape), 2)
    return math.sqrt(n) * math.log2(n)


def round_exactly(
    response: np.ndarray,
    tol: float | None,
    padded: np.ndarray,
    kernel: np.ndarray,
) -> np.ndarray:
    """``response`` ``(S, W, C)`` rounded half to even (saturating is the caller's job).

    The result lives in this thread's scratch buffer: valid until its next call.

    Outputs within ``tol`` of a tie are re-decided from their windows in float64: the valid
    correlation of ``padded`` ``(S + kh - 1, Wp, C)``, the rows ``response`` comes from,
    with ``kernel``.
    ``response`` is used as scratch space.
    """
    rounded = np.rint(response, out=scratch("rounded", response.shape, response.dtype))
    if tol is not None:
        distance = np.abs(np.subtract(response, rounded, out=response), out=response)
        near = np.flatnonzero(distance >= 0.5 - tol)  # |r - rint(r)| is 0.5 at a tie
        if near.size:
            y, x, c = np.unravel_index(near, distance.shape)
            rounded[y, x, c] = _exact(padded, kernel, y, x, c)
    return rounded


def _exact(padded: np.ndarray, kernel: np.ndarray, y, x, c) -> np.ndarray:
    """The float64 sums of the windows at ``(y, x, c)``, rounded half to even."""
    planes = np.moveaxis(padded, -1, 0)[None]  # (1, C, Hp, Wp), a view
    windows = sliding_windows(planes, kernel.shape)[0]  # (C, H, W, kh, kw), a view
    exact = np.empty(y.size)
    step = max(1, _CHUNK // kernel.size)
    for lo in range(0, y.size, step):
        part = slice(lo, lo + step)
        gathered = windows[c[part], y[part], x[part]].astype(np.float64)  # (n, kh, kw)
        exact[part] = np.einsum("nij,ij->n", gathered, kernel)
    return np.rint(exact)
