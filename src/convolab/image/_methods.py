"""The three ways to correlate padded planes with one 2-D kernel, and the choice between them.

=========== ======================================= ====================================
method      computes                                multiply-adds per output pixel
=========== ======================================= ====================================
separable   rank-1 ``K = u v^T``: a pass down the   ``(B + kh - 1) + (B + kw - 1)``
            columns with ``u``, one along the rows
            with ``v``
direct      ``sum_i`` (row pass of row ``i`` of K   ``kh (B + kw - 1)``
            over the rows shifted by ``i``)
fft         ``irfft2(rfft2(P) * rfft2(flip(K)))``   ``~ c log2(Hf Wf)``, any kernel size
=========== ======================================= ====================================

``B`` is the block of :mod:`._banded` (each pass is a matrix product). ``'auto'`` takes the
cheapest by these counts, with FFT work weighted by :data:`FFT_WEIGHT` (measured: one FFT
``log2`` unit costs about as much as 6 banded multiply-adds, NumPy + OpenBLAS, 2 cores).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft

from convolab.image._banded import BLOCK, correlate_axis

METHODS = ("auto", "separable", "direct", "fft")
FFT_WEIGHT = 6.0
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


def choose_method(
    kernel_shape: tuple[int, int], padded_shape: tuple[int, int], separable: bool
) -> str:
    """The cheapest method by the counts in the module table."""
    kh, kw = kernel_shape
    h, w = padded_shape[0] - kh + 1, padded_shape[1] - kw + 1
    rows, cols = min(BLOCK, h), min(BLOCK, w)  # the blocks _banded uses
    cost = {"direct": kh * (cols + kw - 1)}
    if separable:
        cost["separable"] = rows + kh - 1 + cols + kw - 1
    fft_shape = [scipy.fft.next_fast_len(n, real=True) for n in padded_shape]
    fft_size = math.prod(fft_shape)
    cost["fft"] = FFT_WEIGHT * fft_size / (h * w) * math.log2(max(fft_size, 2))
    return min(cost, key=cost.get)


def correlate_planes(
    padded: np.ndarray,
    kernel: np.ndarray,
    method: str,
    factors: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Valid correlation of ``padded`` ``(C, Hp, Wp)`` with ``kernel``: ``(C, H, W)``."""
    kh, kw = kernel.shape
    c, hp, wp = padded.shape
    out = np.empty((c, hp - kh + 1, wp - kw + 1), dtype=padded.dtype)  # (C, H, W)
    if method == "fft":
        return _fft(padded, kernel, out)
    if method == "separable":
        u, v = factors
        rows = np.empty((c, hp - kh + 1, wp), dtype=padded.dtype)  # (C, H, Wp)
        correlate_axis(padded, u, rows, axis=-2)
        correlate_axis(rows, v, out, axis=-1)
        return out
    return _direct(padded, kernel, out)


def _direct(padded: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = sum_i rowpass(padded[:, i:i + H], kernel[i])``, skipping zero rows."""
    h = out.shape[-2]
    rows = [i for i in range(kernel.shape[0]) if np.any(kernel[i])]
    if not rows:
        out.fill(0)
        return out
    correlate_axis(padded[:, rows[0] : rows[0] + h], kernel[rows[0]], out, axis=-1)
    term = np.empty_like(out)
    for i in rows[1:]:
        correlate_axis(padded[:, i : i + h], kernel[i], term, axis=-1)
        out += term
    return out


def _fft(padded: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Correlation as a product of spectra; circular size ``>= Hp`` keeps the valid part exact."""
    kh, kw = kernel.shape
    shape = [scipy.fft.next_fast_len(n, real=True) for n in padded.shape[-2:]]
    spectrum = scipy.fft.rfft2(padded, shape, workers=-1)  # (C, Hf, Wf // 2 + 1)
    flipped = kernel[::-1, ::-1].astype(padded.dtype)  # convolving with it correlates with K
    spectrum *= scipy.fft.rfft2(flipped, shape, workers=-1)
    full = scipy.fft.irfft2(spectrum, shape, workers=-1)  # (C, Hf, Wf)
    out[...] = full[:, kh - 1 : kh - 1 + out.shape[-2], kw - 1 : kw - 1 + out.shape[-1]]
    return out
