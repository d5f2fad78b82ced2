"""Section 8: the NumPy engine against PyTorch, timed while the report is made."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import paragraph, table

# A few layers of the full suite (benchmarks/conv_suite.py runs all fourteen)
LAYERS = (
    "LeNet-5 C3",
    "AlexNet conv2",
    "VGG-16 conv3_1",
    "ResNet-50 1x1",
    "ResNet-50 3x3",
    "ResNet-50 3x3/2",
)
QUICK_LAYERS = ("LeNet-5 C3", "AlexNet conv5", "ResNet-50 3x3")


def _row(r) -> tuple:
    """One table row of a benchmark result: times in ms, ratios, convolab's GFLOP/s."""
    return (
        r.name,
        r.method,
        f"{1e3 * r.torch_fwd:.2f}",
        f"{1e3 * r.ours_fwd:.2f}",
        f"{r.ratio_fwd:.2f}",
        f"{r.ratio_bwd:.2f}",
        f"{r.gflops:.1f}",
    )


def performance_section(ctx: DemoContext) -> str:
    from convolab._timing import geometric_mean
    from convolab.report import _conv_suite

    names = QUICK_LAYERS if ctx.quick else LAYERS
    layers = [layer for layer in _conv_suite.SUITE if layer.name in names]
    results = _conv_suite.run_suite(layers=layers)  # 5 rounds each: one is too noisy
    rows = [_row(r) for r in results]
    fwd = geometric_mean([r.ratio_fwd for r in results])
    bwd = geometric_mean([r.ratio_bwd for r in results])
    return (
        paragraph(
            "<code>convolab.functional.conv2d</code> is NumPy from the definition "
            "(im2col + BLAS, Winograd, FFT, a banded Toeplitz product or a direct sum, chosen "
            "by a cost model), in bounded memory. Here it runs against "
            "<code>torch.nn.functional.conv2d</code> on the same "
            "float32 data, both on 2 threads, in this process: medians of runs timed in "
            "alternating blocks, each engine warmed up and undisturbed by the other's threads. "
            "A ratio below 1 means convolab was faster."
        )
        + table(
            [
                "layer",
                "method",
                "torch fwd (ms)",
                "convolab fwd (ms)",
                "fwd ratio",
                "bwd ratio",
                "convolab GFLOP/s",
            ],
            rows,
        )
        + paragraph(
            f"Geometric-mean time ratio convolab / torch: forward <b>{fwd:.2f}</b>, "
            f"backward <b>{bwd:.2f}</b>. The full suite: <code>make bench</code>."
        )
    )
