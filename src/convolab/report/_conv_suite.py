"""The convolution benchmark: convolab.functional against torch on a fixed suite of real layers.

:data:`SUITE` holds the layers as data; :func:`run_suite` times both engines side by side in
one process (:mod:`convolab._timing`: interleaved rounds, medians, both on the same number of
threads) and returns one row per layer. ``benchmarks/conv_suite.py`` prints the table; the
report's performance section runs a few layers. torch is imported inside the functions, so
importing this module is cheap.
"""

from __future__ import annotations

import functools
import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from convolab._timing import compare, interleaved


@dataclass(frozen=True)
class Layer:
    """One convolution layer: batch ``(N, C_in, H, W)`` into ``C_out`` channels."""

    name: str
    batch: int
    in_channels: int
    out_channels: int
    size: int  # input height = width
    kernel: int
    stride: int = 1
    padding: int = 0

    def shapes(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``(input, weight)`` shapes: ``(N, C_in, H, W)`` and ``(C_out, C_in, k, k)``."""
        return (self.batch, self.in_channels, self.size, self.size), (
            self.out_channels, self.in_channels, self.kernel, self.kernel)  # fmt: skip

    def output_size(self) -> int:
        from convolab.shape import conv_output_size

        return conv_output_size(self.size, self.kernel, self.stride, self.padding)

    def flops(self) -> float:
        """Multiply-adds counted as 2 flops: ``2 N C_out H_out W_out C_in k^2``."""
        cells = self.output_size() ** 2
        return 2.0 * self.batch * self.out_channels * cells * self.in_channels * self.kernel**2


# LeNet-5 (LeCun et al. 1998) at batch 64; the others at batch 8 from a 224x224 input:
# AlexNet (torchvision's, Krizhevsky 2012), VGG-16 (Simonyan & Zisserman 2015) and
# ResNet-50 (He et al. 2016; its stem, a 1x1 and a 3x3 of layer1, the stride-2 3x3 of layer2).
SUITE = (
    Layer("LeNet-5 C1", 64, 1, 6, 32, 5),
    Layer("LeNet-5 C3", 64, 6, 16, 14, 5),
    Layer("AlexNet conv1", 8, 3, 64, 224, 11, 4, 2),
    Layer("AlexNet conv2", 8, 64, 192, 27, 5, 1, 2),
    Layer("AlexNet conv3", 8, 192, 384, 13, 3, 1, 1),
    Layer("AlexNet conv4", 8, 384, 256, 13, 3, 1, 1),
    Layer("AlexNet conv5", 8, 256, 256, 13, 3, 1, 1),
    Layer("VGG-16 conv1_1", 8, 3, 64, 224, 3, 1, 1),
    Layer("VGG-16 conv3_1", 8, 128, 256, 56, 3, 1, 1),
    Layer("VGG-16 conv5_1", 8, 512, 512, 14, 3, 1, 1),
    Layer("ResNet-50 stem 7x7/2", 8, 3, 64, 224, 7, 2, 3),
    Layer("ResNet-50 1x1", 8, 256, 64, 56, 1),
    Layer("ResNet-50 3x3", 8, 64, 64, 56, 3, 1, 1),
    Layer("ResNet-50 3x3/2", 8, 128, 128, 56, 3, 2, 1),
)


@dataclass
class Row:
    """Timings of one layer (seconds, medians) and what convolab did."""

    name: str
    method: str
    torch_fwd: float
    ours_fwd: float
    gflops: float  # convolab's forward rate
    peak_mib: float  # convolab's peak extra memory in the forward pass
    torch_bwd: float = math.nan
    ours_bwd: float = math.nan

    @property
    def ratio_fwd(self) -> float:
        return self.ours_fwd / self.torch_fwd

    @property
    def ratio_bwd(self) -> float:
        return self.ours_bwd / self.torch_bwd


def peak_extra_bytes(call) -> int:
    """Peak bytes NumPy allocates during ``call()`` beyond the result it returns."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - result.nbytes


def _data(layer: Layer, seed: int = 0):
    rng = np.random.default_rng(seed)
    x_shape, w_shape = layer.shapes()
    x = rng.standard_normal(x_shape, dtype=np.float32)
    w = rng.standard_normal(w_shape, dtype=np.float32)
    b = rng.standard_normal(layer.out_channels, dtype=np.float32)
    return x, w, b


def layer_calls(layer: Layer, engines, backward: bool = False, method: str = "auto") -> list:
    """torch's pass, then each engine's (a module with ``conv2d`` and the ``torch.nn.grad``
    functions, e.g. :mod:`convolab.functional`), as calls on the layer's data: the forward
    pass, or the three gradients of the backward pass."""
    import torch
    import torch.nn.functional as F

    x, w, b = _data(layer)
    args = (layer.stride, layer.padding)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_(backward) for a in (x, w, b))
    if not backward:
        return [functools.partial(F.conv2d, xt, wt, bt, *args)] + [
            functools.partial(m.conv2d, x, w, b, *args, method=method) for m in engines
        ]
    y = F.conv2d(xt, wt, bt, *args)
    g = torch.randn_like(y)
    gn = g.numpy()

    def gradients(m):
        return (
            m.conv2d_input(x.shape, w, gn, *args),
            m.conv2d_weight(x, w.shape, gn, *args),
            m.conv2d_bias(gn),
        )

    return [lambda: torch.autograd.grad(y, (xt, wt, bt), g, retain_graph=True)] + [
        functools.partial(gradients, m) for m in engines
    ]


def time_layer(layer: Layer, repeats: int = 5, backward: bool = True, method="auto") -> Row:
    """Time one layer's forward (and backward) pass in both engines."""
    import convolab.functional as cf

    rounds = {"budget_s": 0.0, "min_rounds": repeats, "max_rounds": repeats}
    reference, ours = layer_calls(layer, (cf,), method=method)
    forward = compare(reference, ours, **rounds)
    cf.release_workspace()  # so that the peak includes the workspace this call allocates
    args = (layer.stride, layer.padding)
    row = Row(
        name=layer.name,
        method=cf.auto_method(*layer.shapes(), *args) if method == "auto" else method,
        torch_fwd=forward.first,
        ours_fwd=forward.second,
        gflops=layer.flops() / forward.second / 1e9,
        peak_mib=peak_extra_bytes(ours) / 2**20,
    )
    if backward:
        timed = compare(*layer_calls(layer, (cf,), backward=True), **rounds)
        row.torch_bwd, row.ours_bwd = timed.first, timed.second
    return row


# Big-kernel and thin cases beside the suite, for the cost model's calibration: input and
# weight shapes (stride 1, no padding).
METHOD_CASES = (
    ((1, 3, 256, 256), (8, 3, 31, 31)),
    ((4, 16, 64, 64), (16, 16, 15, 15)),
    ((2, 8, 128, 128), (8, 8, 7, 7)),
)


TIMED_METHODS = ("gemm", "direct", "winograd", "fft", "toeplitz")  # every method but 'auto'


def time_methods(repeats: int = 3) -> list[dict]:
    """Single-thread process time (ms) of every method on the suite and :data:`METHOD_CASES`.

    Process time on one thread is what the cost model's constants were fitted to: it is
    stable on a loaded machine, where wall time of two-thread BLAS is not.
    """
    from threadpoolctl import threadpool_limits

    import convolab.functional as cf

    cases = [(*layer.shapes(), layer.stride, layer.padding) for layer in SUITE]
    cases += [(x, w, 1, 0) for x, w in METHOD_CASES]
    rows = []
    rng = np.random.default_rng(0)
    with threadpool_limits(limits=1):
        for x_shape, w_shape, stride, padding in cases:
            x = rng.standard_normal(x_shape, dtype=np.float32)
            w = rng.standard_normal(w_shape, dtype=np.float32)
            row = {
                "input": x_shape,
                "weight": w_shape,
                "stride": stride,
                "padding": padding,
                "auto": cf.auto_method(x_shape, w_shape, stride, padding),
            }
            for method in TIMED_METHODS:
                row[method] = _method_ms(cf.conv2d, (x, w, None, stride, padding), method, repeats)
            rows.append(row)
    return rows


def _method_ms(conv, args, method: str, repeats: int) -> float:
    """Median process time of ``conv(*args, method=method)`` in ms; NaN where it can't run."""
    call = functools.partial(conv, *args, method=method)
    try:
        call()
    except ValueError:  # winograd or toeplitz where it does not apply
        return math.nan
    (times,) = interleaved([call], 0.0, min_rounds=repeats, settle=0.0, clock=time.process_time)
    return 1e3 * statistics.median(times)


def run_suite(
    quick: bool = False, backward: bool = True, threads: int = 2, layers=SUITE, method: str = "auto"
) -> list[Row]:
    """Time every layer of ``layers`` with both engines limited to ``threads`` threads.

    ``quick`` times 1 interleaved round per measurement instead of 5
    (:func:`convolab._timing.interleaved`).
    """
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    with threadpool_limits(limits=threads):
        return [time_layer(layer, 1 if quick else 5, backward, method) for layer in layers]
