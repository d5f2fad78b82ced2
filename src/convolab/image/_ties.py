"""Integer outputs rounded exactly, even when computed in float32 or through FFT.

Rounding ``x.5`` ties is only as exact as the sum it rounds. An output within ``tol`` of a
tie, where ``tol`` bounds the error of the computation, is recomputed from its window in
float64, the precision of ``scipy.ndimage``'s own sums, and stored already rounded. The
windows are gathered from the image itself (the engine's padded source).
uint8 images are filtered in float32 this way (half the memory traffic of float64) whenever
the second looks are cheap: :data:`TIE_BUDGET`.

Bounds: a sum of ``n`` products, accumulated in any order, is off by at most
``gamma_n sum|w_i x_i|`` with ``gamma_n = n u / (1 - n u)`` and ``u`` the unit roundoff
(Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 3.1); two more terms
cover the weights' own rounding to the working dtype, and chained passes add their ``n``.
FFT has no such worst-case bound that is useful here; its ``n`` is the usual
``sqrt(N) log2(N)`` growth with a safety factor of 8.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from convolab.functional._runtime import scratch

# float32 is worth it while the re-checks gather at most this many window samples per output
# (a fraction ~2 tol of the outputs, kh kw samples each, ~15 ns a sample gathered)
TIE_BUDGET = 0.02
_FFT_SAFETY = 8.0
_CHUNK = 1 << 20  # window elements gathered at a time
_MAX_SHIFT = 12  # weights with finer binary fractions are not checked for exact sums
_MAX_DENOMINATOR = 1 << 16  # rational weights with larger denominators are not looked for


def tie_tolerance(count: float, work: np.dtype, magnitude: float, l1: float) -> float:
    """``gamma_(count + 2) magnitude l1``: the error bound of a sum of ``count`` products of
    samples ``|x| <= magnitude`` with weights whose absolute sum is ``l1``, in ``work``."""
    n = (count + 2) * np.finfo(work).eps / 2
    return n / (1 - n) * magnitude * l1


def exact_sums(weights: list[np.ndarray], work: np.dtype, top: float) -> bool:
    """True when passes with these weights over integers ``|x| <= top`` make no rounding error.

    Weights that are multiples of ``2**-m`` (integers, 1/4, 1/16, ... as in Sobel, Laplacian,
    sharpen, 4x4 box) keep every partial sum on a grid of ``2**-M`` (``M`` the sum of the
    passes' ``m``); sums below ``2**(mantissa - M)`` are then exact in any order, ties
    included, and need no re-check.
    """
    bits, magnitude = 0, float(top)
    shifts = np.arange(_MAX_SHIFT + 1)[:, None]  # (13, 1): every m at once
    for w in weights:
        dyadic = np.all(np.ldexp(w.reshape(1, -1), shifts) % 1 == 0, axis=1)  # (13,)
        if not dyadic.any():
            return False
        bits, magnitude = bits + int(dyadic.argmax()), magnitude * float(np.abs(w).sum())
    return magnitude * 2.0**bits < 2.0 ** np.finfo(work).nmant


def tie_free(kernel: np.ndarray, magnitude: float, tol: float) -> bool:
    """True when no output can round differently from scipy's: weights that are multiples
    of ``1/D`` with ``D`` odd (a ``k x k`` box for odd ``k``: ``1/k**2``) put every exact sum
    of integers on the grid of ``1/D``, at least ``1/(2D)`` from a tie. The float weights'
    distance from that grid, scipy's own float64 error and ``tol`` must leave that gap
    open; then both sums round to the same integer and no output needs a second look.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    d = _odd_denominator(kernel)
    if d is None:
        return False
    deviation = np.abs(kernel - np.rint(kernel * d) / d).sum() * magnitude
    l1 = float(np.abs(kernel).sum())
    scipy_error = tie_tolerance(np.count_nonzero(kernel), np.float64, magnitude, l1)
    return tol + scipy_error + deviation < 0.5 / d


def _odd_denominator(weights: np.ndarray) -> int | None:
    """The least ``D <= 2**16`` making every float64 weight a multiple of ``1/D`` to within a
    relative 1e-12 (the weights' own rounding), when odd; else ``None`` (16-52 us for the
    bank's kernels up to 63x63: the first weight that is no such fraction ends the search)."""
    d = 1
    for weight in np.unique(np.abs(weights[weights != 0])):
        ratio = Fraction(float(weight)).limit_denominator(_MAX_DENOMINATOR)
        if abs(float(ratio) - weight) > 1e-12 * weight:
            return None
        d = math.lcm(d, ratio.denominator)
        if d > _MAX_DENOMINATOR:
            return None
    return d if d % 2 else None


def fft_error_terms(shape: tuple[int, int]) -> float:
    """The ``count`` for an FFT of ``N`` points: ``8 sqrt(N) log2(N)`` (module notes)."""
    n = max(math.prod(shape), 2)
    return _FFT_SAFETY * math.sqrt(n) * math.log2(n)


def round_exactly(
    response: np.ndarray,
    tol: float | None,
    windows: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    kernel: np.ndarray,
) -> np.ndarray:
    """``response`` ``(S, W, C)`` rounded half to even (saturating is the caller's job).

    The result lives in this thread's scratch buffer: valid until its next call.

    Outputs within ``tol`` of a tie are re-decided in float64 from their windows:
    ``windows(y, x, c)`` gives the ``(n, kh, kw)`` input samples under ``kernel`` for the
    outputs ``response[y, x, c]``. ``response`` is used as scratch space.
    """
    rounded = np.rint(response, out=scratch("rounded", response.shape, response.dtype))
    if tol is not None:
        distance = np.abs(np.subtract(response, rounded, out=response), out=response)
        near = np.flatnonzero(distance >= 0.5 - tol)  # |r - rint(r)| is 0.5 at a tie
        if near.size:
            y, x, c = np.unravel_index(near, distance.shape)
            rounded[y, x, c] = _exact(windows, kernel, y, x, c)
    return rounded


def _exact(windows, kernel: np.ndarray, y, x, c) -> np.ndarray:
    """The float64 sums of the windows at ``(y, x, c)``, rounded half to even."""
    exact = np.empty(y.size)
    step = max(1, _CHUNK // kernel.size)
    for lo in range(0, y.size, step):
        part = slice(lo, lo + step)
        exact[part] = _scipy_order_sums(windows(y[part], x[part], c[part]), kernel)
    return np.rint(exact)


def _scipy_order_sums(windows: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``sum_ij K[i, j] w[n, i, j]`` ``(n,)`` with the very float64 operations of
    ``scipy.ndimage.correlate``: from 0, over the non-zero weights in row-major order, each
    product and each sum rounded. So a sum that lands on a tie by the order of its terms
    (weights like 0.1 and 0.7 make exact decimal ties) rounds as scipy's does. The running
    sum is ``cumsum`` (sequential, unlike ``sum``'s pairwise order)."""
    taps = np.flatnonzero(kernel)
    if not taps.size:
        return np.zeros(windows.shape[0])
    products = windows.reshape(windows.shape[0], -1)[:, taps] * kernel.reshape(-1)[taps]
    return np.cumsum(products, axis=1)[:, -1]
