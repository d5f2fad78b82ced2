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

TIE_BUDGET = 2e-3  # largest float32 tolerance worth it: ~0.4% of the outputs recomputed
_SAFETY = 4.0
_CHUNK = 1 << 20  # window elements gathered at a time


def tie_tolerance(count: float, work: np.dtype, top: float, l1: float) -> float:
    """Error bound of a sum of ``count`` products of pixels ``<= top`` with weights ``l1``."""
    return _SAFETY * count * np.finfo(work).eps * top * l1


def fft_error_terms(shape: tuple[int, int]) -> float:
    """The ``count`` for an FFT of ``N`` points: its error grows like ``sqrt(N) log2(N)``."""
    n = max(math.prod(shape), 2)
    return math.sqrt(n) * math.log2(n)


def fix_ties(
    response: np.ndarray, padded: np.ndarray, first_row: int, kernel: np.ndarray, tol: float
) -> None:
    """Recompute and round, in place, the outputs of ``response`` within ``tol`` of a tie.

    ``response`` is ``(C, S, W)``, rows ``first_row ...`` of the valid correlation of
    ``padded`` ``(C, Hp, Wp)`` with ``kernel`` (float64).
    """
    distance = np.abs(response - np.floor(response) - 0.5)  # (C, S, W), 0 at a tie
    c, y, x = np.nonzero(distance <= tol)
    if c.size == 0:
        return
    windows = sliding_windows(padded[None], kernel.shape)[0]  # (C, H, W, kh, kw), a view
    step = max(1, _CHUNK // kernel.size)
    for lo in range(0, c.size, step):
        part = slice(lo, lo + step)
        gathered = windows[c[part], y[part] + first_row, x[part]].astype(np.float64)  # (n, kh, kw)
        exact = np.einsum("nij,ij->n", gathered, kernel)
        response[c[part], y[part], x[part]] = np.rint(exact)
