"""The cost model behind ``method='auto'``: estimated seconds per method, pick the least.

Each method costs its arithmetic at a sustained rate plus the bytes its workspace moves:

* gemm:     ``2*N*O*L*Cg*K`` flops at ``GEMM_FLOPS`` + im2col bytes at ``COPY_BYTES``
* direct:   the same flops, one shifted-input copy per kernel offset (no im2col buffer)
* winograd: ``(4/6)^ndim`` of the flops + ~6 passes over the ``(4/2)^ndim``-times larger tiles
* fft:      ``5 F log2 F`` flops per transform for ``N*C + N*O + O*Cg`` transforms at
            ``FFT_FLOPS`` + the per-frequency complex products ``8*F*N*O*Cg`` at ``GEMM_FLOPS/2``

The constants were calibrated with ``benchmarks/conv_suite.py --calibrate`` on the project
machine (2 cores, OpenBLAS 0.3.31 SkylakeX, float32): sustained sgemm rate of the suite's
largest layers, copy rate of the im2col of VGG conv3_1, and scipy.fft rate of a 64x64
real FFT batch. float64 halves the flop rates.
"""

from __future__ import annotations

import math

from convolab.functional._winograd import winograd_applies

GEMM_FLOPS = 1.2e11  # float32 sgemm, flop/s
COPY_BYTES = 4.0e9  # strided im2col copy, bytes/s
FFT_FLOPS = 6.0e9  # scipy.fft rfftn, flop/s
CALL_SECONDS = 2e-6  # Python + dispatch overhead per BLAS call or kernel offset


def estimate(method: str, x_shape, w_shape, out_size, stride, dilation, groups, itemsize):
    """Estimated seconds of ``method`` for one convolution, or ``inf`` if it cannot run it."""
    n, c = x_shape[:2]
    o, cg, *kernel = w_shape
    ndim, k, cells = len(kernel), math.prod(kernel), math.prod(out_size)
    speed = 4 / itemsize  # float64 runs at half the float32 rates
    flops = 2.0 * n * o * cells * cg * k
    cols = n * c * k * cells * itemsize
    if method == "gemm":
        return (
            flops / (GEMM_FLOPS * speed)
            + (0 if k == 1 and set(stride) == {1} else cols / COPY_BYTES)
            + CALL_SECONDS * n
        )
    if method == "direct":
        return flops / (GEMM_FLOPS * speed) + cols / COPY_BYTES + CALL_SECONDS * k * 4
    if method == "winograd":
        if not winograd_applies(kernel, stride, dilation):
            return math.inf
        tiles = (n * c + n * o) * cells * 2**ndim * itemsize
        return (2 / 3) ** ndim * flops / (GEMM_FLOPS * speed) + 6 * tiles / COPY_BYTES
    if method == "fft":
        return _fft_estimate(x_shape, w_shape, speed)
    raise AssertionError(method)


def _fft_estimate(x_shape, w_shape, speed):
    # Every cell of the padded input is computed whatever the stride (then sampled).
    n, c, *size = x_shape
    o, cg = w_shape[:2]
    f = math.prod(size)
    transforms = 5.0 * f * max(math.log2(f), 1) * (n * c + n * o + o * cg)
    products = 8.0 * f / 2 * n * o * cg  # rfft keeps about half the frequencies
    return transforms / (FFT_FLOPS * speed) + products / (GEMM_FLOPS * speed / 2)


def choose_method(x_shape, w_shape, out_size, stride, dilation, groups, itemsize) -> str:
    """The method with the least :func:`estimate` (gemm on ties)."""
    methods = ("gemm", "winograd", "fft", "direct")
    costs = [
        estimate(m, x_shape, w_shape, out_size, stride, dilation, groups, itemsize) for m in methods
    ]
    return methods[costs.index(min(costs))]
