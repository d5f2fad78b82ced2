"""The three ways to correlate padded planes with one 2-D kernel, and the choice between them.

======= =============================================== ====================================
method  computes                                        work per output pixel (count)
======= =============================================== ====================================
direct  one multiply-add pass per tap (BLAS ``axpy``    taps: ``kh * kw`` non-zero entries,
        over the flattened plane, :mod:`._shifted`)     ``kh + kw`` when separable
banded  blocks of ``B`` outputs as products with a      ``kh (B + kw - 1)``, or
        banded matrix (BLAS ``gemm``, :mod:`._banded`)  ``(B + kh - 1) + (B + kw - 1)``
fft     ``irfft2(rfft2(P) * rfft2(flip(K)))``           ``Hf Wf / (H W) * log2(Hf Wf)``
======= =============================================== ====================================

Rank-1 kernels ``K = u v^T`` (box, Gaussian, Sobel...) run as a pass down the columns with
``u`` then one along the rows with ``v``, in 'direct' and 'banded' alike. ``'auto'`` takes the
method with the smallest ``count * COST[method]``. Planes are cut into row stripes, one per
CPU (:mod:`._parallel`); FFT runs whole, on as many FFT workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.fft

from convolab.image._banded import BLOCK, column_pass, row_pass
from convolab.image._parallel import cpu_threads, run_stripes, stripes_of
from convolab.image._shifted import shifted_planes
from convolab.image._ties import fix_ties

METHODS = ("auto", "direct", "banded", "fft")
# Time per unit of the module table's counts, relative to one direct tap; best-of-runs timings
# on 1024x1024 float32 (one tap: ~0.1 ms, one banded unit ~0.025 ms, one FFT unit ~0.35 ms).
COST = {"direct": 1.0, "banded": 0.25, "fft": 3.5}
SEPARABLE_RTOL = 1e-12  # relative error allowed when K is rebuilt from its factors


def separable_factors(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(u, v)`` with ``outer(u, v) == kernel`` for a rank-1 kernel, else ``None``.

    The SVD decides the rank (``s[1] <= rtol * s[0]``); the factors are then read off the
    kernel itself, a column and a row through its largest entry, so that exact kernels
    (box, Sobel: powers of two and small integers) give exact factors and exact sums.
    """
    if kernel.shape[0] == 1:
        return np.ones(1), kernel[0].copy()
    if kernel.shape[1] == 1:
        return kernel[:, 0].copy(), np.ones(1)
    s = np.linalg.svd(kernel, compute_uv=False)
    if s[0] == 0 or s[1] > SEPARABLE_RTOL * s[0]:
        return None
    i, j = np.unravel_index(np.argmax(np.abs(kernel)), kernel.shape)
    u, v = kernel[:, j].copy(), kernel[i, :] / kernel[i, j]  # (kh,), (kw,)
    if np.abs(np.outer(u, v) - kernel).max() > SEPARABLE_RTOL * np.abs(kernel).max():
        return None
    return u, v


def method_counts(
    kernel: np.ndarray, padded_shape: tuple[int, int], separable: bool
) -> dict[str, float]:
    """Work per output pixel of each method, the counts of the module table."""
    kh, kw = kernel.shape
    h, w = padded_shape[0] - kh + 1, padded_shape[1] - kw + 1
    rows, cols = min(BLOCK, h), min(BLOCK, w)  # the blocks _banded uses
    if separable:
        taps, products = kh + kw, rows + kh - 1 + cols + kw - 1
    else:
        taps, products = np.count_nonzero(kernel), kh * (cols + kw - 1)
    fft_size = math.prod(scipy.fft.next_fast_len(n, real=True) for n in padded_shape)
    fft = fft_size / (h * w) * math.log2(max(fft_size, 2))
    return {"direct": taps, "banded": products, "fft": fft}


def choose_method(counts: dict[str, float]) -> str:
    """The method with the smallest ``count * COST[method]``."""
    return min(counts, key=lambda m: counts[m] * COST[m])


def correlate_planes(
    padded: np.ndarray,
    kernel: np.ndarray,
    method: str,
    work: np.dtype,
    sink: Callable[[slice, np.ndarray], None],
    factors: tuple[np.ndarray, np.ndarray] | None = None,
    tie_tol: float | None = None,
) -> None:
    """Valid correlation of ``padded`` ``(C, Hp, Wp)`` (any real dtype) with ``kernel``.

    The ``(C, H, W)`` response is computed in ``work`` (float32 or float64) and handed to
    ``sink(rows, response[:, rows])`` stripe by stripe, one stripe per thread
    (:mod:`._parallel`); FFT hands over the whole image at once. With ``tie_tol``, outputs
    that close to an ``x.5`` tie are recomputed exactly and rounded (:mod:`._ties`).
    """
    kh, kw = kernel.shape
    c, hp, wp = padded.shape
    h = hp - kh + 1
    exact = kernel
    kernel = kernel.astype(work)
    if method == "fft":
        response = _fft(np.asarray(padded, dtype=work), kernel)
        if tie_tol is not None:
            fix_ties(response, padded, 0, exact, tie_tol)
        sink(slice(0, h), response)
        return
    factors = factors and tuple(f.astype(work) for f in factors)

    def stripe(rows: slice) -> None:
        src = np.asarray(padded[:, rows.start : rows.stop + kh - 1], dtype=work)  # (C, S+kh-1, Wp)
        out = np.empty((c, src.shape[1] - kh + 1, wp - kw + 1), dtype=work)  # (C, S, W)
        if method == "direct":
            shifted_planes(src, kernel, factors, out)
        elif factors is not None:
            tmp = np.empty((c, out.shape[1], wp), dtype=work)  # (C, S, Wp)
            column_pass(src, factors[0], tmp)
            row_pass([(tmp, factors[1])], out)
        else:
            _banded_2d(src, kernel, out)
        if tie_tol is not None:
            fix_ties(out, padded, rows.start, exact, tie_tol)
        sink(rows, out)

    run_stripes(stripe, stripes_of(h, cpu_threads(), BLOCK))


def _banded_2d(padded: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = sum_i rowpass(padded[:, i:i + H], kernel[i])``, skipping zero rows."""
    h = out.shape[-2]
    terms = [(padded[:, i : i + h], kernel[i]) for i in range(kernel.shape[0]) if np.any(kernel[i])]
    if terms:
        row_pass(terms, out)
    else:
        out.fill(0)
    return out


def _fft(padded: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Correlation as a product of spectra; circular size ``>= Hp`` keeps the valid part exact."""
    kh, kw = kernel.shape
    _, hp, wp = padded.shape
    shape = [scipy.fft.next_fast_len(n, real=True) for n in (hp, wp)]
    threads = cpu_threads()
    spectrum = scipy.fft.rfft2(padded, shape, workers=threads)  # (C, Hf, Wf // 2 + 1)
    flipped = kernel[::-1, ::-1]  # convolving with it correlates with K
    spectrum *= scipy.fft.rfft2(flipped, shape, workers=threads)
    full = scipy.fft.irfft2(spectrum, shape, workers=threads)  # (C, Hf, Wf)
    return full[:, kh - 1 : hp, kw - 1 : wp]  # (C, H, W)
