"""The one cost model behind ``method='auto'``: estimated seconds per method, pick the least.

Two families of methods share it: the convolution layers' (``conv*d``, ``convolve``) and the
plane methods that filter images (:mod:`._planes`, for :mod:`convolab.image`). Each
convolution method costs its multiply-adds at a sustained BLAS rate, scaled down for thin matrices
by ``m / (m + THIN)`` for a GEMM dimension ``m`` (OpenBLAS runs an 8-row product at a
quarter of its peak), plus the bytes its workspace moves:

* gemm:     ``2*N*O*L*Cg*K`` flops (rows: the Og output channels) + im2col bytes
* direct:   the same flops in K products + one input copy and one output update per offset
* winograd: ``(m+2)^ndim`` products per tile of ``m^ndim`` outputs (F(m, 3), m = 2 or 4:
            4/9 or 1/4 of the 2-D flops on whole tiles), thin in Og, Cg and the number of
            tiles t (small maps: ``t / (t + THIN_TILES)``) + the transforms, per tile element
            of input and output
* fft:      ``5 F log2 F`` flops per transform for ``N*C + N*O + O*Cg`` transforms and the
            per-frequency complex products
* toeplitz: ``2 * (N*OH) * (Cg*span*W) * (O*OW)`` flops (the band matrices' zeros included,
            well-shaped products at the full rate) + the rows, product and output copies

Calibration (origin of the constants): single-thread process-time medians on the project
machine (2-core Skylake-X, OpenBLAS 0.3.31, float32), from ``benchmarks/conv_suite.py``'s
layers and the big-kernel cases in ``benchmarks/conv_suite.py --methods``: sgemm sustained
115 GFLOP/s on the suite's large layers (VGG-16 conv5_1 by im2col: 7.4 GFLOP in 66 ms),
im2col copies 14 GB/s (ResNet-50 3x3: 55 MiB in 3.8 ms), Winograd transforms ~2 ns per tile
element and channel, its products over the 128 tiles of a 13x13 or 14x14 map at a third
of their rate (fitted on ResNet-50 3x3, VGG-16 conv3_1/conv5_1 and AlexNet conv3-5: with these
constants ``auto`` picks the fastest method, or one within 1% of it, on all 17 cases of that
run, with the previous ones it lost 1.1-1.7x on five; a later run timed VGG-16 conv3_1's
Winograd at 1.22x its im2col), scipy.fft ~6 GFLOP/s (a 15x15 kernel on 64x64
maps).
float64 halves the rates. BLAS, scipy.fft, the im2col copies and Winograd's blocks use
every CPU (their rates scale with the CPU count); the direct method's copies run on one.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional._gemm import THREADED_GEMM_FLOPS
from convolab.functional._runtime import workers
from convolab.functional._toeplitz import toeplitz_work
from convolab.functional._winograd import tile_size, winograd_applies
from convolab.shape import Geometry, conv_geometry

GEMM_FLOPS = 1.15e11
THIN = 24  # a GEMM dimension m runs at m / (m + THIN) of GEMM_FLOPS
COPY_BYTES = 1.4e10  # im2col / shifted-input copies, bytes/s
TILE_SECONDS = 2.1e-9  # Winograd input + output transforms, per tile element
THIN_TILES = 256  # Winograd's products over t tiles run at t / (t + THIN_TILES) of their rate
# 'toeplitz' multiplies its band's zeros too: above this many times the flops of the
# convolution it is not a choice (measured: LeNet-5's C1, 6.4x, runs 1.6x faster than im2col;
# 1-D signals at 10x and a 256x256 single-channel image at 52x ran 1.5-12x slower)
MAX_BAND_WASTE = 8
FFT_FLOPS = 6.0e9  # scipy.fft rfftn, flop/s
CALL_SECONDS = 3e-6  # Python + dispatch overhead per BLAS call or kernel offset
FFT_CALL_SECONDS = 3e-5  # plans, transposes and the dozen NumPy/SciPy calls of one FFT pass
# The plane methods (one 2-D kernel over image planes, :mod:`._planes`): seconds per output
# sample and unit of :func:`._planes.plane_counts`, best-of-runs on 1024x1024 float32 with
# both CPUs: a 'direct' tap is one axpy pass over a cache-sized stripe (~0.1 ms for 1M
# samples), a 'banded' unit one multiply-add at BLAS speed (~0.025 ms), an FFT unit ~0.35 ms.
PLANE_SECONDS = {"direct": 1.0e-10, "banded": 2.5e-11, "fft": 3.5e-10}


def estimates(x_shape, w_shape, geometry: Geometry, groups: int, itemsize: int) -> tuple:
    """Estimated seconds of each of :data:`METHODS` for one convolution (``inf`` where a
    method cannot run it), in one pass: this runs on every ``method='auto'`` call."""
    n, c, *size = x_shape
    o, cg = w_shape[0], w_shape[1]
    og = o // groups
    k, cells, f = math.prod(geometry.kernel), math.prod(geometry.out), math.prod(size)
    cpus = workers()
    peak = GEMM_FLOPS * 4 / itemsize * cpus  # float64 runs at half the float32 rate
    flops = 2.0 * n * o * cells * cg * k
    thin = og / (og + THIN)  # the Og-row products run below peak
    free = k == 1 and geometry.stride == (1,) * len(size)  # 1x1 stride 1: no im2col copy
    copy = 0.0 if free else n * c * k * cells * itemsize / (COPY_BYTES * cpus)
    # small stride-1 layers take _gemm's wide path: one thin product, which OpenBLAS does
    # not speed up on more threads (LeNet-5's C1: 2.0 ms on one thread, 2.0-2.3 on two)
    wide = 2.0 * og * cg * k * cells < THREADED_GEMM_FLOPS and set(geometry.stride) == {1}
    gemm = flops / (peak * thin / (cpus if wide else 1)) + copy + CALL_SECONDS * n * groups
    updates = n * (c + o) * k * cells * itemsize
    direct = flops / (peak * thin) + updates / COPY_BYTES + CALL_SECONDS * k * groups
    winograd = math.inf
    if winograd_applies(geometry):  # F(m, 3): a^ndim products per tile of m^ndim outputs
        m = tile_size(geometry.out)
        tiles = n * math.prod([-(-o_ // m) for o_ in geometry.out])  # the products' width
        cells = tiles * (m + 2) ** len(size)
        rate = peak * thin * cg / (cg + THIN) * tiles / (tiles + THIN_TILES)
        winograd = 2.0 * cells * o * cg / rate + cells * (c + o) * TILE_SECONDS / cpus
    # FFT: every cell of the padded input is computed whatever the stride (then sampled);
    # rfft keeps about half the frequencies for the per-frequency products
    transforms = 5.0 * f * max(math.log2(f), 1) * (n * c + n * o + o * cg)
    fft = transforms / (FFT_FLOPS * 4 / itemsize * cpus) + 4.0 * f * n * o * cg / (peak * thin)
    toeplitz = math.inf
    work = toeplitz_work(x_shape, w_shape, geometry, itemsize)
    if work is not None and work[0] <= MAX_BAND_WASTE * flops:  # the band's zeros count too
        band_flops, moved, rows = work  # a few rows make a matrix-vector product
        toeplitz = band_flops / (peak * rows / (rows + THIN))
        toeplitz += moved * itemsize / COPY_BYTES + CALL_SECONDS * 10
    return gemm, winograd, fft + FFT_CALL_SECONDS, direct, toeplitz


# the order of :func:`estimates`; ties: the first
METHODS = ("gemm", "winograd", "fft", "direct", "toeplitz")


def choose_method(x_shape, w_shape, geometry: Geometry, groups: int, itemsize: int) -> str:
    """The method with the least :func:`estimates` (the first of :data:`METHODS` on ties)."""
    costs = estimates(x_shape, w_shape, geometry, groups, itemsize)
    return METHODS[costs.index(min(costs))]


def choose_plane_method(counts: dict[str, float], samples: int) -> str:
    """The plane method of least estimated seconds for ``samples`` outputs with these
    :func:`._planes.plane_counts`."""
    return min(counts, key=lambda method: counts[method] * PLANE_SECONDS[method] * samples)


def auto_method(
    input_shape, weight_shape, stride=1, padding=0, dilation=1, groups=1, dtype=np.float32
) -> str:
    """The method ``method='auto'`` picks for a batched input of this shape (finite data)."""
    ndim = len(weight_shape) - 2
    geometry = conv_geometry(input_shape[2:], weight_shape[2:], stride, padding, dilation,
                             ndim=ndim)  # fmt: skip
    padded = (*input_shape[:2], *geometry.padded)
    return choose_method(padded, tuple(weight_shape), geometry, groups, np.dtype(dtype).itemsize)
