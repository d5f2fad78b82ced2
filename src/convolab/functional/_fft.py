"""FFT convolution: products of spectra, for large kernels.

The valid cross-correlation of a padded input of size ``S`` with a dilated kernel of span
``s_k <= S`` equals the circular one of length ``S`` on its first ``S - s_k + 1`` cells, so
one real FFT of size ``>= S`` per axis suffices:
``out = irfft(rfft(x) * conj(rfft(w)))``, summed over input channels per frequency
(a batched matrix product), then sampled with the stride.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft

from convolab.functional._runtime import plan_chunks
from convolab.shape import Geometry


def _dilate(weight: np.ndarray, geometry: Geometry) -> np.ndarray:
    """Kernel with ``d - 1`` zeros between taps: ``(O, Cg, *span)``."""
    dilated = np.zeros((*weight.shape[:2], *geometry.span), dtype=weight.dtype)
    dilated[(Ellipsis, *(slice(None, None, d) for d in geometry.dilation))] = weight
    return dilated


def fft_forward(xp: np.ndarray, weight: np.ndarray, geometry: Geometry, groups: int):
    """Cross-correlation of a padded ``(N, C, *S)`` input: ``(N, O, *out)``."""
    ndim = xp.ndim - 2
    axes = tuple(range(2, 2 + ndim))
    size = xp.shape[2:]
    fshape = tuple(scipy.fft.next_fast_len(s, real=True) for s in size)
    dtype = np.result_type(xp, weight)
    n, c = xp.shape[:2]
    o = weight.shape[0]
    spectrum_w = scipy.fft.rfftn(_dilate(weight.astype(dtype), geometry), fshape, axes=axes)
    nfreq = math.prod(spectrum_w.shape[2:])
    w_f = np.conj(spectrum_w).reshape(groups, o // groups, c // groups, nfreq)
    w_f = np.ascontiguousarray(w_f.transpose(3, 0, 1, 2))  # (F, G, Og, Cg)
    keep = tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(geometry.out, geometry.stride))
    out = np.empty((n, o, *geometry.out), dtype=dtype)
    sample_bytes = 2 * (c + o) * nfreq * w_f.itemsize + o * math.prod(fshape) * xp.itemsize
    for batch, _ in plan_chunks(n, 1, sample_bytes):
        x_f = scipy.fft.rfftn(xp[batch].astype(dtype), fshape, axes=axes, workers=-1)
        nb = x_f.shape[0]
        x_f = x_f.reshape(nb, groups, c // groups, nfreq).transpose(3, 1, 2, 0)  # (F,G,Cg,nb)
        y_f = np.matmul(w_f, x_f)  # (F, G, Og, nb)
        y_f = y_f.transpose(3, 1, 2, 0).reshape(nb, o, *spectrum_w.shape[2:])  # (nb, O, *F)
        y = scipy.fft.irfftn(y_f, fshape, axes=axes, workers=-1)  # (nb, O, *fshape)
        out[batch] = y[(Ellipsis, *keep)]
    return out
