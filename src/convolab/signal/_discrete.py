"""Discrete 1-D convolution of two sequences, ``numpy.convolve``'s semantics, faster when long.

``(a * v)[n] = sum_m a[m] v[n - m]``. Three methods, one answer:

* ``'direct'`` -- the definition: the windows of the zero-padded longer sequence
  (:func:`convolab.functional.sliding_windows`) times the reversed shorter one, O(n m);
* ``'fft'``    -- the product of the spectra, O((n + m) log(n + m)); integer inputs are
  rounded back to integers, which is exact while the sums stay below 2**52;
* ``'auto'``   -- FFT when its estimated cost is lower, else NumPy's compiled direct loop
  (``numpy.convolve``, which scipy.signal.convolve also hands 1-D direct work to): for short
  sequences Python's own overhead would dominate any NumPy-level direct method.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft

from convolab._args import InvalidTypeError, as_choice, invalid
from convolab.functional import sliding_windows

try:  # numpy.correlate's compiled core without its Python wrapper: a short call takes ~1.5 us,
    from numpy._core.multiarray import correlate2 as _correlate  # and the wrapper ~0.2 us more
except ImportError:  # pragma: no cover - a numpy that moved it
    _correlate = np.correlate

MODES = ("full", "same", "valid")
METHODS = ("auto", "direct", "fft")
# Calibrated with benchmarks/signal_convolve.py on the project machine (2 cores): numpy's
# direct loop sustains ~1.5e9 multiply-adds/s, scipy.fft ~2e8 points*log2(points)/s per
# transform (3 transforms per convolution, complex-to-real halves included).
DIRECT_MACS = 1.5e9
FFT_POINTS = 2.0e8
# Up to this many multiply-adds (outputs * len(v)) the direct loop always won (<= 80 us
# measured, e.g. 4000 x 30 in 79 us against FFT's 108 us; 350 x 350 in 24 us against 43 us):
# the FFT's three transforms and set-up cost more than the whole direct loop.
SMALL_WORK = 1.2e5
NUMERIC = "biufc"
_ndarray = np.ndarray  # a global, one lookup fewer than np.ndarray on the short path


def _as_sequence(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim > 1:
        raise invalid(name, f"an array of shape {array.shape}", "a 1-D sequence")
    array = array.reshape(-1)
    if array.size == 0:
        raise invalid(name, "an empty sequence", "a non-empty 1-D sequence")
    if array.dtype.kind not in NUMERIC:
        raise InvalidTypeError(f"{name} must be a numeric sequence, got dtype {array.dtype}")
    return array


def _span(mode: str, n: int, m: int) -> slice:
    """The part of the full convolution (length n + m - 1, n >= m) each mode keeps."""
    if mode == "full":
        return slice(0, n + m - 1)
    if mode == "same":  # numpy's centring: start at (m - 1) // 2
        return slice((m - 1) // 2, (m - 1) // 2 + n)
    return slice(m - 1, n)


def _direct(a: np.ndarray, v: np.ndarray, dtype) -> np.ndarray:
    padded = np.zeros(len(a) + 2 * (len(v) - 1), dtype=dtype)
    padded[len(v) - 1 : len(v) - 1 + len(a)] = a
    windows = sliding_windows(padded[None, None], len(v))[0, 0]  # (n + m - 1, m)
    return windows @ v[::-1].astype(dtype)


def _fft(a: np.ndarray, v: np.ndarray, dtype) -> np.ndarray:
    size = len(a) + len(v) - 1
    complex_input = np.dtype(dtype).kind == "c"
    work = dtype if np.dtype(dtype).kind in "fc" else np.float64  # transform precision
    a, v = a.astype(work, copy=False), v.astype(work, copy=False)
    length = scipy.fft.next_fast_len(size, real=not complex_input)
    if complex_input:
        full = scipy.fft.ifft(scipy.fft.fft(a, length) * scipy.fft.fft(v, length))[:size]
    else:
        full = scipy.fft.irfft(scipy.fft.rfft(a, length) * scipy.fft.rfft(v, length), length)
        full = full[:size]
    if np.dtype(dtype).kind in "biu":
        return np.rint(full).astype(dtype)
    return full.astype(dtype, copy=False)


def _fft_is_cheaper(a: np.ndarray, v: np.ndarray, mode: str) -> bool:
    """FFT's estimated time against the direct loop's ``outputs * len(v)`` multiply-adds."""
    outputs = _span(mode, len(a), len(v))
    work = (outputs.stop - outputs.start) * len(v)
    if work <= SMALL_WORK:
        return False
    direct_seconds = work / DIRECT_MACS
    points = scipy.fft.next_fast_len(len(a) + len(v) - 1, real=True)
    fft_seconds = 3 * points * math.log2(points) / FFT_POINTS
    exact = a.dtype.kind in "fc" or _integer_sums_exact(a, v)
    return exact and fft_seconds < direct_seconds


def _integer_sums_exact(a: np.ndarray, v: np.ndarray) -> bool:
    """Whether float64 FFT arithmetic recovers integer results exactly (sums < 2**52)."""
    bound = float(np.abs(a).max()) * float(np.abs(v).max()) * min(len(a), len(v))
    return bound < 2.0**52


def convolve(a, v, mode="full", method="auto") -> np.ndarray:
    """Discrete linear convolution of two 1-D sequences, equal to ``numpy.convolve``.

    Parameters
    ----------
    a, v : array_like, 1-D, non-empty
        Real, integer or complex sequences; the result has ``numpy.result_type(a, v)``.
    mode : {'full', 'same', 'valid'}
        'full': length ``n + m - 1``; 'same': ``max(n, m)``, centred; 'valid':
        ``max(n, m) - min(n, m) + 1``.
    method : {'auto', 'direct', 'fft'}
        See the module docstring; 'auto' picks by estimated cost.

    Examples
    --------
    >>> convolve([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    """
    if method == "auto" and type(a) is _ndarray and type(v) is _ndarray and mode in MODES:
        # The common short case in as few Python operations as possible (a call takes 1-3 us):
        # numpy.convolve is numpy.correlate of the reversed shorter sequence, conjugated
        # because correlate conjugates its second argument. numpy checks the arguments; on a
        # complaint, the checks below say what is wrong in our words.
        long, short = (a, v) if a.size >= v.size else (v, a)
        n, m = long.size, short.size
        if n * m <= SMALL_WORK or (mode == "valid" and (n - m + 1) * m <= SMALL_WORK):
            try:
                return _correlate(long, short[::-1].conj(), mode)
            except (ValueError, TypeError, IndexError):  # IndexError: [::-1] of a 0-d array
                pass
    a, v = _as_sequence(a, "a"), _as_sequence(v, "v")
    mode = as_choice(mode, "mode", MODES)
    method = as_choice(method, "method", METHODS)
    if len(v) > len(a):
        a, v = v, a
    dtype = np.result_type(a, v)
    if method == "auto":
        if not _fft_is_cheaper(a, v, mode):
            return np.convolve(a, v, mode)
        method = "fft"
    with np.errstate(all="ignore"):
        full = _direct(a, v, dtype) if method == "direct" else _fft(a, v, dtype)
    return full[_span(mode, len(a), len(v))]
