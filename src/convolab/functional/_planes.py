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

Rank-1 kernels ``K = u v^T`` (box, Gaussian, Sobel...) run as two 1-D passes: 'banded' down
the columns with ``u`` then along the rows with ``v``; 'direct' along the rows first, read
straight from the image, then down the columns straight into the result, the few border
columns redone once at the end (:func:`_edge_columns`). ``'auto'`` takes the method with the
smallest ``count * COST[method]``. Images are cut into row stripes run on a thread pool
(:mod:`._parallel`); FFT transforms the whole image on as many FFT workers.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial

import numpy as np
import scipy.fft

from convolab.image._banded import BLOCK, column_pass, row_pass
from convolab.image._parallel import cpu_threads, run_stripes, stripes_of
from convolab.image._shifted import column_taps, row_taps, shifted_correlate
from convolab.image._source import PaddedSource, scratch
from convolab.image._ties import round_exactly

METHODS = ("auto", "direct", "banded", "fft")
# Time per unit of the module table's counts, relative to one direct tap; best-of-runs timings
# on 1024x1024 float32 (one tap: ~0.1 ms, one banded unit ~0.025 ms, one FFT unit ~0.35 ms).
COST = {"direct": 1.0, "banded": 0.25, "fft": 3.5}
SEPARABLE_RTOL = 1e-12  # relative error allowed when K is rebuilt from its factors
# A 'direct' stripe's float samples: per-stripe call overheads (~20 us) stay small, and the
# stripe stays in cache (L3); 2 MB measured fastest for k = 3..9, gray and RGB, on 1024^2.
CACHE_BYTES = 1 << 21
EDGE_CHUNK = 1 << 20  # samples gathered at a time for the border columns
SMALL_SAMPLES = 1 << 18  # images with fewer padded samples are filtered on one thread


def separable_factors(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(u, v)`` with ``outer(u, v) == kernel`` for a rank-1 kernel, else ``None``.

    The SVD decides the rank (``s[1] <= rtol * s[0]``); the factors are then read off the
    kernel itself, a column and a row through its largest entry, so that exact kernels
    (box, Sobel: powers of two and small integers) give exact factors and exact sums. For a
    row with equal ends (symmetric kernels: box, Gaussian) the column through its first entry
    is used instead, when not tiny (``>= 1/1024`` of the largest), so that ``v`` starts and
    ends with 1.
    """
    kernel = np.ascontiguousarray(kernel, dtype=np.float64)
    factors = _factors(kernel.tobytes(), kernel.shape)
    return None if factors is None else (factors[0].copy(), factors[1].copy())


@lru_cache(maxsize=64)
def _factors(data: bytes, shape: tuple[int, int]):
    """:func:`separable_factors` of the float64 kernel with these bytes (an SVD: cached)."""
    kernel = np.frombuffer(data).reshape(shape)
    if kernel.shape[0] == 1:
        return np.ones(1), kernel[0].copy()
    if kernel.shape[1] == 1:
        return kernel[:, 0].copy(), np.ones(1)
    s = np.linalg.svd(kernel, compute_uv=False)
    if s[0] == 0 or s[1] > SEPARABLE_RTOL * s[0]:
        return None
    i, j = np.unravel_index(np.argmax(np.abs(kernel)), kernel.shape)
    ends = kernel[i, 0]
    if ends == kernel[i, -1] and abs(ends) * 1024 >= abs(kernel[i, j]):
        j = 0  # v = [1, ..., 1]: the row pass adds the two ends in one pass (_shifted)
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


def correlate_padded(
    source: PaddedSource,
    kernel: np.ndarray,
    method: str,
    work: np.dtype,
    target: np.ndarray,
    factors: tuple[np.ndarray, np.ndarray] | None = None,
    top: int | None = None,
    tie_tol: float | None = None,
    saturate: bool = True,
) -> None:
    """Valid correlation of a padded channel-last ``(Hp, Wp, C)`` image with ``kernel``.

    The ``(H, W, C)`` response is computed in ``work`` (float32 or float64) and stored in
    ``target`` ``(H, W, C)`` stripe by stripe, each thread a run of stripes
    (:mod:`._parallel`) that it pads itself (:class:`._source.PaddedSource`); FFT transforms
    the whole image at once, then rounds and stores it in the same stripes. With ``top``
    (an integer target's maximum) it is rounded half to even, re-deciding outputs within
    ``tie_tol`` of a tie in float64 (:func:`._ties.round_exactly`), and saturated to
    ``[0, top]`` (a pass skipped with ``saturate=False``, when no output can leave it).
    """
    kh = kernel.shape[0]
    hp, wp, c = source.shape
    h, w = hp - kh + 1, source.width
    exact, exact_factors = kernel, factors
    kernel = kernel.astype(work)
    factors = factors and tuple(f.astype(work) for f in factors)
    direct_rows = _rows_view(target) if top is None and target.dtype == work else None
    l1 = float(np.abs(exact).sum())
    small = hp * wp * c < SMALL_SAMPLES  # a hand-off to the pool costs ~0.1-0.3 ms here

    def finish(rows: slice, response: np.ndarray) -> None:
        """Round (ties re-decided from the image's own windows) and saturate, or copy."""
        if top is None:
            np.copyto(target[rows], response, casting="unsafe")
            return
        tol = tie_tol
        # channel planes seen channel-last (banded, FFT): the rounding passes run 1.3-3x
        # faster on a channel-last copy (measured), and for uint8 a float32 one halves their
        # traffic: only outputs within 1 of [0, 255] matter, whose conversion is off by
        # at most 256 * 2**-24, added to the tolerance
        if response.shape[-1] > 1 and response.strides[-1] != response.itemsize:
            narrow = top <= 255 and tol is not None and top * l1 < 2.0**100  # no overflow
            contiguous = scratch("response", response.shape, np.float32 if narrow else work)
            np.copyto(contiguous, response, casting="same_kind")
            response = contiguous
            if narrow:
                tol += 256 * 2.0**-24
        windows = partial(_windows_below, source, rows.start, exact.shape)
        rounded = round_exactly(response, tol, windows, exact)
        if saturate:
            np.clip(rounded, 0, top, out=target[rows], casting="unsafe")
        else:
            np.copyto(target[rows], rounded, casting="unsafe")

    if method == "fft":
        fh, fw = (scipy.fft.next_fast_len(n, real=True) for n in (hp, wp))
        planes = np.empty((c, fh, fw), dtype=work)  # (C, Fh, Fw): zeros past (Hp, Wp)
        source.rows(0, hp, np.moveaxis(planes[:, :hp, :wp], 0, -1))  # via a (Hp, Wp, C) view
        planes[:, hp:] = 0
        planes[:, :hp, wp:] = 0
        full = _fft(planes, kernel, (hp, wp))  # (C, H, W) view

        def fft_stripe(rows: slice) -> None:
            finish(rows, np.moveaxis(full[:, rows], 0, -1))  # (S, W, C) view

        stripes = stripes_of(h, _stripe_rows("direct", source.shape, kh, work))
        run_stripes(fft_stripe, stripes, 1 if small else None)
        return

    def stripe(rows: slice) -> None:
        if method == "direct" and factors is not None:
            s = rows.stop - rows.start
            if direct_rows is not None:  # straight into the target's rows
                _separable_stripe(source, rows, kh, factors, work, direct_rows[rows])
                return
            out = scratch("response", (s, w * c), work)
            _separable_stripe(source, rows, kh, factors, work, out)
            finish(rows, out.reshape(s, w, c))
            return
        shape = (rows.stop - rows.start + kh - 1, wp, c)
        src = source.rows(rows.start, rows.stop + kh - 1, scratch("source", shape, work))
        if method == "direct":
            finish(rows, shifted_correlate(src, kernel))
        else:
            planes = np.ascontiguousarray(np.moveaxis(src, -1, 0))  # (C, S + kh - 1, Wp)
            finish(rows, np.moveaxis(_banded_planes(planes, kernel, factors), 0, -1))

    # 'direct' float outputs run on one thread: the axpy passes hold the GIL (scipy's BLAS
    # wrappers) and are memory-bound, a second thread measured 5% slower; integer outputs
    # gain ~15% from it, their rounding passes (NumPy, GIL released) overlapping the axpys
    threads = 1 if small or (method == "direct" and top is None) else None
    size = _stripe_rows(method, source.shape, kh, work)
    if method == "direct" and factors is not None:  # border rows apart: the rest is a view
        stripes = _borders_apart(h, source.top, kh - 1 - source.top, size)
        run_stripes(stripe, stripes, threads)
        _edge_columns(source, exact_factors, exact, target, top, tie_tol)
    else:
        run_stripes(stripe, stripes_of(h, size), threads)


def _borders_apart(h: int, lo: int, hi: int, size: int) -> list[slice]:
    """Stripes of ``size`` over output rows ``[lo, h - hi)``, whose windows lie inside the
    image, with the first ``lo`` and last ``hi`` rows as stripes of their own."""
    start = min(lo, h)
    stop = max(start, h - hi)
    inner = [slice(start + s.start, start + s.stop) for s in stripes_of(stop - start, size)]
    return [s for s in (slice(0, start), *inner, slice(stop, h)) if s.start < s.stop]


def _rows_view(target: np.ndarray) -> np.ndarray | None:
    """``target`` ``(H, W, C)`` as an ``(H, W * C)`` view when it is contiguous."""
    return target.reshape(target.shape[0], -1) if target.flags.c_contiguous else None


def _windows_below(source: PaddedSource, first: int, size, y, x, c) -> np.ndarray:
    """The padded image's windows of output ``(first + y, x, c)``: ``(n, kh, kw)``."""
    return source.windows(first + y, x, c, size)


def _separable_stripe(source: PaddedSource, rows: slice, kh: int, factors, work, out) -> None:
    """Rows ``rows`` of the correlation with ``u v^T`` into contiguous ``out`` ``(S, W * C)``,
    but for the ``kw - 1`` border columns (:func:`_edge_columns` puts them right).

    One ``axpy`` per tap of ``v`` along the rows, read straight from the image when they
    need no conversion (:func:`._shifted.row_taps`), then one per tap of ``u`` down the
    columns, written straight into ``out`` (:func:`._shifted.column_taps`).
    """
    u, v = factors
    c, w = source.shape[2], source.width
    n_in = rows.stop + kh - 1 - rows.start
    src = source.inner_view(rows.start, rows.stop + kh - 1, work)  # (S + kh - 1, W * C)
    if src is None:
        buffer = scratch("source", (n_in, w, c), work)
        src = source.inner_rows(rows.start, rows.stop + kh - 1, buffer)
    across = scratch("across", (n_in, w, c), work)
    row_taps(src.reshape(n_in, w, c), v, across, source.left)
    column_taps(across.reshape(n_in, w * c), u, out)


def _edge_columns(source: PaddedSource, factors, kernel, target, top, tie_tol) -> None:
    """The output columns whose row windows leave the image rows, in float64 from the image.

    ``left`` on the left, ``kw - 1 - left`` on the right: a pass along the rows for those
    columns only, ``(Hp, E, C)``, then one down them. For ``top`` (integer targets) they
    are rounded as the rest, ties within ``tie_tol`` re-decided from ``kernel``, and saturated.
    """
    u, v = factors
    kh, kw, w, left = u.shape[0], v.shape[0], source.width, source.left
    edges = np.concatenate((np.arange(min(left, w)), np.arange(max(w - (kw - 1 - left), left), w)))
    taps = np.flatnonzero(v)  # zero weights skipped, as scipy.ndimage (NaN stays out)
    hp, c = source.shape[0], source.shape[2]
    h = hp - kh + 1
    group = max(1, EDGE_CHUNK // max(hp * taps.size * c, 1))  # edge columns at a time
    for lo in range(0, edges.size, group):
        columns = edges[lo : lo + group]  # (E',)
        samples = source.columns(taps[:, None] + columns)  # (Hp, taps, E', C)
        across = sum(v[j] * samples[:, t] for t, j in enumerate(taps))  # (Hp, E', C)
        fixed = sum(u[i] * across[i : i + h] for i in np.flatnonzero(u))  # (H, E', C)
        if top is not None:
            windows = partial(_windows_at, source, columns, kernel.shape)
            fixed = np.clip(round_exactly(fixed, tie_tol, windows, kernel), 0, top)
        target[:, columns] = fixed


def _windows_at(source: PaddedSource, columns, size, y, e, c) -> np.ndarray:
    """The padded image's windows of output ``(y, columns[e], c)``: ``(n, kh, kw)``."""
    return source.windows(y, columns[e], c, size)


def _stripe_rows(method: str, padded_shape: tuple[int, int, int], kh: int, work) -> int:
    """Rows per stripe: ~CACHE_BYTES of samples for taps; one tall stripe per CPU for banded,
    whose products need tall blocks to run at BLAS speed."""
    h, row = padded_shape[0] - kh + 1, padded_shape[1] * padded_shape[2]
    if method == "direct":
        return max(4 * kh, CACHE_BYTES // (row * np.dtype(work).itemsize))
    per_thread = -(-h // cpu_threads())
    return -(-per_thread // BLOCK) * BLOCK


def _banded_planes(planes: np.ndarray, kernel: np.ndarray, factors) -> np.ndarray:
    """Valid correlation of ``(C, S + kh - 1, Wp)`` planes by banded products: ``(C, S, W)``."""
    kh, kw = kernel.shape
    c, hs, wp = planes.shape
    out = np.empty((c, hs - kh + 1, wp - kw + 1), dtype=planes.dtype)  # (C, S, W)
    if factors is None:
        return _banded_2d(planes, kernel, out)
    columns = np.empty((c, hs - kh + 1, wp), dtype=planes.dtype)  # (C, S, Wp)
    column_pass(planes, factors[0], columns)
    row_pass([(columns, factors[1])], out)
    return out


def _banded_2d(padded: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = sum_i rowpass(padded[:, i:i + H], kernel[i])``, skipping zero rows."""
    h = out.shape[-2]
    terms = [(padded[:, i : i + h], kernel[i]) for i in range(kernel.shape[0]) if np.any(kernel[i])]
    if terms:
        row_pass(terms, out)
    else:
        out.fill(0)
    return out


def _fft(planes: np.ndarray, kernel: np.ndarray, padded: tuple[int, int]) -> np.ndarray:
    """Valid correlation of ``(C, Hp, Wp)`` planes as a product of spectra: ``(C, H, W)``.

    ``planes`` ``(C, Fh, Fw)`` hold them zero-padded to the circular size (``>= (Hp, Wp)``,
    which keeps the valid part exact), overwritten. The inverse runs as two 1-D stages, the
    second on the ``H`` rows kept only: half the time of ``irfft2`` (measured).
    """
    kh, kw = kernel.shape
    (hp, wp), (fh, fw) = padded, planes.shape[1:]
    threads = cpu_threads()
    spectrum = scipy.fft.rfft2(planes, workers=threads, overwrite_x=True)  # (C, Fh, Fw/2 + 1)
    flipped = kernel[::-1, ::-1]  # convolving with it correlates with K
    # rfft2 of the zero-padded kernel, transforming only its kh non-zero rows along x
    rows = scipy.fft.rfft(flipped, fw, axis=1, workers=threads)  # (kh, Fw // 2 + 1)
    spectrum *= scipy.fft.fft(rows, fh, axis=0, workers=threads)  # (Fh, Fw // 2 + 1)
    columns = scipy.fft.ifft(spectrum, axis=1, workers=threads, overwrite_x=True)
    full = scipy.fft.irfft(columns[:, kh - 1 : hp], fw, axis=2, workers=threads)  # (C, H, Fw)
    return full[:, :, kw - 1 : wp]  # (C, H, W)
