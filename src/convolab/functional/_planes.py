"""One 2-D kernel over many image planes: the engine's plane methods and how they run.

======= =============================================== ====================================
method  computes                                        work per output sample (count)
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
columns redone once at the end (:func:`_edge_columns`). The cost model
(:func:`._cost.choose_plane_method`) picks a method for ``'auto'``. Images are cut into row
stripes run on the engine's thread pool (:func:`._runtime.run_stripes`), each stripe padded
on demand (:class:`._source.PaddedSource`); FFT transforms the whole image at once.

Results go to a *store*: ``store(rows, columns, response, windows)`` receives the float
response of output rows ``rows`` (and ``columns``, an index array, or ``None`` for all) with
``windows(y, x, c)``, the float64 padded windows of any of its outputs; :mod:`convolab.image`
rounds integers there. Without a store the response is written (cast) into the target.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import scipy.fft

from convolab.functional._banded import BLOCK, column_pass, row_pass
from convolab.functional._runtime import run_stripes, scratch, stripes_of, workers
from convolab.functional._shifted import column_taps, row_taps, shifted_correlate
from convolab.functional._source import PaddedSource

PLANE_METHODS = ("auto", "direct", "banded", "fft")
SEPARABLE_RTOL = 1e-12  # relative error allowed when K is rebuilt from its factors
# A 'direct' stripe's float samples: per-stripe call overheads (~20 us) stay small, and the
# stripe stays in cache (L3); 2 MB measured fastest for k = 3..9, gray and RGB, on 1024^2.
CACHE_BYTES = 1 << 21
EDGE_CHUNK = 1 << 20  # samples gathered at a time for the border columns
SMALL_SAMPLES = 1 << 18  # images with fewer padded samples are filtered on one thread


def separable_factors(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(u, v)`` with ``outer(u, v) == kernel`` for a rank-1 float64 kernel, else ``None``.

    The factors are read off the kernel itself, a column and a row through its largest
    entry, so that exact kernels (box, Sobel: powers of two and small integers) give exact
    factors and exact sums; the kernel is rank 1 when they rebuild it to a relative
    :data:`SEPARABLE_RTOL` (a single pass: no SVD needed). For a row with equal ends
    (symmetric kernels: box, Gaussian) the column through its first entry is used instead,
    when not tiny (``>= 1/1024`` of the largest), so that ``v`` starts and ends with 1.
    """
    if kernel.shape[0] == 1:
        return np.ones(1), kernel[0].copy()
    if kernel.shape[1] == 1:
        return kernel[:, 0].copy(), np.ones(1)
    i, j = np.unravel_index(np.argmax(np.abs(kernel)), kernel.shape)
    peak = abs(kernel[i, j])
    if peak == 0:
        return None  # all zeros: nothing to gain from two passes
    ends = kernel[i, 0]
    if ends == kernel[i, -1] and abs(ends) * 1024 >= peak:
        j = 0  # v = [1, ..., 1]: the row pass adds the two ends in one pass (_shifted)
    u, v = kernel[:, j].copy(), kernel[i, :] / kernel[i, j]  # (kh,), (kw,)
    if np.abs(np.outer(u, v) - kernel).max() > SEPARABLE_RTOL * peak:
        return None
    return u, v


def plane_counts(kernel: np.ndarray, padded_shape, separable: bool) -> dict[str, float]:
    """Work per output sample of each method (the module table's counts): the cost model's
    input, and the number of products each output sums (its rounding error's ``n``)."""
    kh, kw = kernel.shape
    h, w = padded_shape[0] - kh + 1, padded_shape[1] - kw + 1
    rows, cols = min(BLOCK, h), min(BLOCK, w)  # the blocks _banded uses
    if separable:
        taps, products = kh + kw, rows + kh - 1 + cols + kw - 1
    else:
        taps, products = np.count_nonzero(kernel), kh * (cols + kw - 1)
    fft_size = math.prod(scipy.fft.next_fast_len(n, real=True) for n in padded_shape[:2])
    fft = fft_size / (h * w) * math.log2(max(fft_size, 2))
    return {"direct": taps, "banded": products, "fft": fft}


def correlate_planes(
    source: PaddedSource, kernel, method: str, work, target, store=None, factors=None
) -> None:
    """Valid correlation of a padded channel-last ``(Hp, Wp, C)`` image with ``kernel``.

    The ``(H, W, C)`` response is computed in ``work`` (float32 or float64) and stored in
    ``target`` ``(H, W, C)``, or handed to ``store`` (module notes), stripe by stripe.
    ``factors``: :func:`separable_factors` of the float64 ``kernel``, for 'direct' and
    'banded'.
    """
    small = math.prod(source.shape) < SMALL_SAMPLES  # a hand-off to the pool costs ~0.1-0.3 ms
    floats, store = store is None, store or partial(_copy_into, target)
    if method == "fft":
        _fft_planes(source, kernel, work, store, 1 if small else None)
    elif method == "direct" and factors is not None:
        _separable_direct(source, kernel, factors, work, target, store, small or floats, floats)
    else:
        # 'direct' float outputs run on one thread: the axpy passes hold the GIL (scipy's BLAS
        # wrappers) and are memory-bound, a second thread measured 5% slower; integer outputs
        # gain ~15% from it, their rounding passes (NumPy, GIL released) overlapping the axpys
        threads = 1 if small or (method == "direct" and floats) else None
        stripe = partial(_stripe, source, kernel, method, work, store, factors)
        size = _stripe_rows(method, source.shape, kernel.shape[0], work)
        run_stripes(stripe, stripes_of(source.shape[0] - kernel.shape[0] + 1, size), threads)


def _copy_into(target, rows, columns, response, windows) -> None:
    """The store of float results: ``response`` cast into ``target``'s rows (and columns)."""
    if columns is None:
        np.copyto(target[rows], response, casting="unsafe")
    else:
        target[rows, columns] = response


def _windows_below(source: PaddedSource, first: int, size, y, x, c) -> np.ndarray:
    """The padded image's windows of output ``(first + y, x, c)``: ``(n, kh, kw)``."""
    return source.windows(first + y, x, c, size)


def _stripe(source, kernel, method, work, store, factors, rows: slice) -> None:
    """Rows ``rows`` of the response, by taps ('direct') or banded products, into ``store``."""
    kh = kernel.shape[0]
    shape = (rows.stop - rows.start + kh - 1, source.shape[1], source.shape[2])
    src = source.rows(rows.start, rows.stop + kh - 1, scratch("source", shape, work))
    windows = partial(_windows_below, source, rows.start, kernel.shape)
    if method == "direct":
        store(rows, None, shifted_correlate(src, kernel.astype(work)), windows)
        return
    planes = np.ascontiguousarray(np.moveaxis(src, -1, 0))  # (C, S + kh - 1, Wp)
    response = _banded_planes(planes, kernel.astype(work), factors, work)  # (C, S, W)
    store(rows, None, np.moveaxis(response, 0, -1), windows)


def _stripe_rows(method: str, padded_shape, kh: int, work) -> int:
    """Rows per stripe: ~CACHE_BYTES of samples for taps; one tall stripe per CPU for banded,
    whose products need tall blocks to run at BLAS speed."""
    h, row = padded_shape[0] - kh + 1, padded_shape[1] * padded_shape[2]
    if method == "direct":
        return max(4 * kh, CACHE_BYTES // (row * np.dtype(work).itemsize))
    per_thread = -(-h // workers())
    return -(-per_thread // BLOCK) * BLOCK


def _banded_planes(planes: np.ndarray, kernel: np.ndarray, factors, work) -> np.ndarray:
    """Valid correlation of ``(C, S + kh - 1, Wp)`` planes by banded products: ``(C, S, W)``."""
    kh, kw = kernel.shape
    c, hs, wp = planes.shape
    out = np.empty((c, hs - kh + 1, wp - kw + 1), dtype=planes.dtype)  # (C, S, W)
    if factors is None:
        terms = [(planes[:, i : i + out.shape[1]], kernel[i]) for i in range(kh)
                 if np.any(kernel[i])]  # fmt: skip
        if terms:
            row_pass(terms, out)  # sum_i rowpass(planes[:, i:i + S], K[i]), zero rows skipped
        else:
            out.fill(0)
        return out
    u, v = (f.astype(work) for f in factors)
    columns = np.empty((c, hs - kh + 1, wp), dtype=planes.dtype)  # (C, S, Wp)
    column_pass(planes, u, columns)
    row_pass([(columns, v)], out)
    return out


def _separable_direct(source, kernel, factors, work, target, store, one_thread, floats):
    """'direct' for ``K = u v^T``: stripes of row then column taps, border rows apart, then
    the border columns (:func:`_edge_columns`). Float results go straight into ``target``."""
    kh = kernel.shape[0]
    h = source.shape[0] - kh + 1
    rows_view = target.reshape(target.shape[0], -1) if target.flags.c_contiguous else None
    direct_rows = rows_view if floats and target.dtype == work else None
    u, v = (f.astype(work) for f in factors)

    def stripe(rows: slice) -> None:
        if direct_rows is not None:  # straight into the target's rows
            _separable_stripe(source, rows, kh, u, v, work, direct_rows[rows])
            return
        s = rows.stop - rows.start
        out = scratch("response", (s, source.width * source.shape[2]), work)
        _separable_stripe(source, rows, kh, u, v, work, out)
        windows = partial(_windows_below, source, rows.start, kernel.shape)
        store(rows, None, out.reshape(s, source.width, source.shape[2]), windows)

    size = _stripe_rows("direct", source.shape, kh, work)
    stripes = _borders_apart(h, source.top, kh - 1 - source.top, size)
    run_stripes(stripe, stripes, 1 if one_thread else None)
    _edge_columns(source, factors, kernel.shape, store)


def _borders_apart(h: int, lo: int, hi: int, size: int) -> list[slice]:
    """Stripes of ``size`` over output rows ``[lo, h - hi)``, whose windows lie inside the
    image, with the first ``lo`` and last ``hi`` rows as stripes of their own."""
    start = min(lo, h)
    stop = max(start, h - hi)
    inner = [slice(start + s.start, start + s.stop) for s in stripes_of(stop - start, size)]
    return [s for s in (slice(0, start), *inner, slice(stop, h)) if s.start < s.stop]


def _separable_stripe(source: PaddedSource, rows: slice, kh: int, u, v, work, out) -> None:
    """Rows ``rows`` of the correlation with ``u v^T`` into contiguous ``out`` ``(S, W * C)``,
    but for the ``kw - 1`` border columns (:func:`_edge_columns` puts them right).

    One ``axpy`` per tap of ``v`` along the rows, read straight from the image when they
    need no conversion (:func:`._shifted.row_taps`), then one per tap of ``u`` down the
    columns, written straight into ``out`` (:func:`._shifted.column_taps`).
    """
    c, w = source.shape[2], source.width
    n_in = rows.stop + kh - 1 - rows.start
    src = source.inner_view(rows.start, rows.stop + kh - 1, work)  # (S + kh - 1, W * C)
    if src is None:
        buffer = scratch("source", (n_in, w, c), work)
        src = source.inner_rows(rows.start, rows.stop + kh - 1, buffer)
    across = scratch("across", (n_in, w, c), work)
    row_taps(src.reshape(n_in, w, c), v, across, source.left)
    column_taps(across.reshape(n_in, w * c), u, out)


def _edge_columns(source: PaddedSource, factors, size, store) -> None:
    """The output columns whose row windows leave the image rows, in float64 from the image.

    ``left`` on the left, ``kw - 1 - left`` on the right: a pass along the rows for those
    columns only, ``(Hp, E, C)``, then one down them, handed to ``store`` in chunks.
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
        store(slice(None), columns, fixed, partial(_windows_at, source, columns, size))


def _windows_at(source: PaddedSource, columns, size, y, e, c) -> np.ndarray:
    """The padded image's windows of output ``(y, columns[e], c)``: ``(n, kh, kw)``."""
    return source.windows(y, columns[e], c, size)


def _fft_planes(source: PaddedSource, kernel, work, store, threads) -> None:
    """The whole image through :func:`_fft`, then handed to ``store`` in stripes."""
    kh = kernel.shape[0]
    hp, wp, c = source.shape
    fh, fw = (scipy.fft.next_fast_len(n, real=True) for n in (hp, wp))
    planes = np.empty((c, fh, fw), dtype=work)  # (C, Fh, Fw): zeros past (Hp, Wp)
    source.rows(0, hp, np.moveaxis(planes[:, :hp, :wp], 0, -1))  # via a (Hp, Wp, C) view
    planes[:, hp:] = 0
    planes[:, :hp, wp:] = 0
    full = _fft(planes, kernel.astype(work), (hp, wp))  # (C, H, W) view

    def stripe(rows: slice) -> None:
        windows = partial(_windows_below, source, rows.start, kernel.shape)
        store(rows, None, np.moveaxis(full[:, rows], 0, -1), windows)  # (S, W, C) view

    size = _stripe_rows("direct", source.shape, kh, work)
    run_stripes(stripe, stripes_of(hp - kh + 1, size), threads)


def _fft(planes: np.ndarray, kernel: np.ndarray, padded: tuple[int, int]) -> np.ndarray:
    """Valid correlation of ``(C, Hp, Wp)`` planes as a product of spectra: ``(C, H, W)``.

    ``planes`` ``(C, Fh, Fw)`` hold them zero-padded to the circular size (``>= (Hp, Wp)``,
    which keeps the valid part exact), overwritten. The inverse runs as two 1-D stages, the
    second on the ``H`` rows kept only: half the time of ``irfft2`` (measured).
    """
    kh, kw = kernel.shape
    (hp, wp), (fh, fw) = padded, planes.shape[1:]
    threads = workers()
    spectrum = scipy.fft.rfft2(planes, workers=threads, overwrite_x=True)  # (C, Fh, Fw/2 + 1)
    flipped = kernel[::-1, ::-1]  # convolving with it correlates with K
    # rfft2 of the zero-padded kernel, transforming only its kh non-zero rows along x
    rows = scipy.fft.rfft(flipped, fw, axis=1, workers=threads)  # (kh, Fw // 2 + 1)
    spectrum *= scipy.fft.fft(rows, fh, axis=0, workers=threads)  # (Fh, Fw // 2 + 1)
    columns = scipy.fft.ifft(spectrum, axis=1, workers=threads, overwrite_x=True)
    full = scipy.fft.irfft(columns[:, kh - 1 : hp], fw, axis=2, workers=threads)  # (C, H, Fw)
    return full[:, :, kw - 1 : wp]  # (C, H, W)
