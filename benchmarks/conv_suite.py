"""convolab.functional.conv2d vs torch.nn.functional.conv2d on real layers, side by side.

The layer suite (LeNet-5 C1/C3 at batch 64; AlexNet conv1-5, VGG-16 conv1_1/3_1/5_1,
ResNet-50's stem, a 1x1, a 3x3 and a stride-2 3x3 at batch 8 from a 224 input) lives in
``convolab.report._conv_suite.SUITE``, timed with ``convolab._timing`` (interleaved rounds).
Both engines run float32 on the same 2 threads in one process; times are medians. Per layer:
forward time of each, ratio, convolab's GFLOP/s, its peak extra memory (tracemalloc) and the
method 'auto' chose; then backward (input, weight and bias gradients against torch.autograd)
and the geometric-mean ratios.

Targets (issue 15): forward geometric-mean ratio convolab/torch <= 1.25, no layer over 2.5x
(issue 3's: <= 1.5, no layer over 3x, backward geometric mean <= 2.0).

Run: ``.venv/bin/python benchmarks/conv_suite.py [--quick] [--no-backward] [--methods]``.
``--methods`` prints instead the single-thread process time of every method per layer,
the data the cost model of ``method='auto'`` is calibrated on.
"""

from __future__ import annotations

import argparse

from convolab._timing import environment, pin_threads

THREADS = 2


def _print_suite(quick: bool, backward: bool) -> None:
    from convolab._timing import geometric_mean
    from convolab.report._conv_suite import run_suite

    head = (
        f"{'layer':22} {'method':8} {'torch ms':>9} {'ours ms':>9} {'ratio':>6} "
        f"{'GFLOP/s':>8} {'peak MiB':>9}"
    )
    if backward:
        head += f" {'torch bwd':>10} {'ours bwd':>9} {'bwd ratio':>9}"
    print(head)
    rows = []
    for row in run_suite(quick=quick, backward=backward, threads=THREADS):
        rows.append(row)
        line = (
            f"{row.name:22} {row.method:8} {1e3 * row.torch_fwd:9.2f} "
            f"{1e3 * row.ours_fwd:9.2f} {row.ratio_fwd:6.2f} {row.gflops:8.1f} "
            f"{row.peak_mib:9.1f}"
        )
        if backward:
            line += f" {1e3 * row.torch_bwd:10.2f} {1e3 * row.ours_bwd:9.2f} {row.ratio_bwd:9.2f}"
        print(line, flush=True)
    worst = max(rows, key=lambda r: r.ratio_fwd)
    print(
        f"forward geometric-mean ratio {geometric_mean(r.ratio_fwd for r in rows):.2f} "
        f"(worst {worst.ratio_fwd:.2f}: {worst.name})"
    )
    if backward:
        print(f"backward geometric-mean ratio {geometric_mean(r.ratio_bwd for r in rows):.2f}")


def _print_methods() -> None:
    from convolab.report._conv_suite import TIMED_METHODS, time_methods

    print(
        f"{'input':20} {'weight':20} {'s':>2} {'p':>2} {'auto':8} "
        + " ".join(f"{m:>9}" for m in TIMED_METHODS)
        + "  (ms)"
    )
    for row in time_methods():
        print(
            f"{row['input']!s:20} {row['weight']!s:20} {row['stride']:2} {row['padding']:2} "
            f"{row['auto']:8} " + " ".join(f"{row[m]:9.1f}" for m in TIMED_METHODS),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per measurement")
    parser.add_argument("--no-backward", action="store_true", help="forward pass only")
    parser.add_argument("--methods", action="store_true", help="every method, one thread")
    args = parser.parse_args()
    pin_threads(THREADS)
    print(environment(THREADS))
    if args.methods:
        _print_methods()
    else:
        _print_suite(args.quick, not args.no_backward)


if __name__ == "__main__":
    main()
