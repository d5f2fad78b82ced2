"""convolab.models vs torchvision: the same architectures, timed side by side on the CPU.

For each model, ours and torchvision's (LeNet-5, which torchvision lacks, against the same
network written as one ``nn.Sequential``) get the same weights and the same input: batch 8 of
3x224x224 (LeNet-5: batch 256 of 1x32x32), 2 threads. Forward (eval, no grad) and
forward+backward (train mode, loss = sum of outputs) are timed in one process, interleaved
(ours, theirs, theirs, ours, ...) so that load changes hit both alike; the table shows medians
and the median of the per-pair ratios ours/theirs (target: <= 1.02, the architectures being
identical): pairing cancels the slow drifts of a shared machine that a ratio of two medians
keeps. A sign-test 95% interval of that median says whether the target is met (interval
below 1.02), missed (above) or hidden by the machine's noise (across). Each step runs until its
time budget is spent (at least 5 pairs, at most 201), so big models get fewer runs.
Before timing, the ATen operators both models run (forward; forward+backward) are compared on
the meta device: "same ATen ops: yes" means the same kernels run in the same order, so a ratio
away from 1 is measurement noise (the "ratio of minima" column shows how large it is).

Then for ResNet-50 (forward, batch 8): the speed-up of ``channels_last`` memory format over
the default, and of ``torch.compile`` (inductor) over eager; compilation runs in a child
process with a time limit, since its warm-up on a 2-core CPU can take minutes.

Run: ``.venv/bin/python benchmarks/zoo.py [--quick] [--models a,b] [--no-compile]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torchvision
from torch import nn

from convolab._timing import compare, interleaved
from convolab.models import create_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "models"))
from aten_trace import aten_ops

THREADS = 2
FULL = ("lenet5", "alexnet", "vgg11", "vgg16_bn", "resnet18", "resnet34", "resnet50", "resnet101")
QUICK = ("lenet5", "alexnet", "resnet18")


def lenet_reference() -> nn.Sequential:
    """LeNet-5 as a plain Sequential: torchvision has none to compare with."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5),
        nn.Tanh(),
        nn.Flatten(),
        nn.Linear(120, 84),
        nn.Tanh(),
        nn.Linear(84, 10),
    )


def reference_model(name: str) -> nn.Module:
    """torchvision's model of that name; for LeNet-5 the plain Sequential above."""
    return lenet_reference() if name == "lenet5" else getattr(torchvision.models, name)()


def pair(name: str) -> tuple[nn.Module, nn.Module, torch.Tensor]:
    """(ours, reference, input) with the reference's weights copied into ours."""
    torch.manual_seed(0)
    ours, reference = create_model(name), reference_model(name)
    with torch.no_grad():  # same shapes in the same order (keys differ only for LeNet-5)
        for mine, theirs in zip(ours.parameters(), reference.parameters(), strict=True):
            mine.copy_(theirs)
    if name == "lenet5":
        return ours, reference, torch.randn(256, 1, 32, 32)  # (N, C, H, W)
    return ours, reference, torch.randn(8, 3, 224, 224)  # (N, C, H, W)


def same_operators(name: str, shape: tuple[int, ...]) -> bool:
    """True when both models run the same ATen operators in the same order (on meta)."""
    with torch.device("meta"):
        ours, reference = create_model(name), reference_model(name)
        x = torch.zeros(shape)
        return aten_ops(ours.eval(), x) == aten_ops(reference.eval(), x) and aten_ops(
            ours.train(), x, backward=True
        ) == aten_ops(reference.train(), x, backward=True)


def forward(model: nn.Module, x: torch.Tensor):
    """One inference step, returning a function that runs it."""
    model.eval()

    def step():
        with torch.no_grad():
            model(x)

    return step


def forward_backward(model: nn.Module, x: torch.Tensor):
    """One training step without the optimiser: forward, sum, backward."""
    model.train()
    params = list(model.parameters())

    def step():
        for p in params:
            p.grad = None
        model(x).sum().backward()

    return step


@dataclass(frozen=True)
class Row:
    """One line of the table: median seconds of ours and of the reference."""

    name: str
    step: str  # 'forward' or 'fwd+bwd'
    batch: int
    runs: int  # timed runs of each
    ours: float  # median seconds
    reference: float  # median seconds
    ratio: float  # median over pairs of (ours / reference), the target's measure
    low: float  # 95% confidence interval of that median (sign test)
    high: float
    minima_ratio: float  # fastest run of ours / fastest run of the reference
    same_ops: bool  # same ATen operators in the same order
    verdict: str  # against TARGET (convolab._timing.Comparison.verdict)


TARGET = 1.02


def compare_models(names, budget_s: float, max_reps: int) -> list[Row]:
    rows = []
    for name in names:
        ours, reference, x = pair(name)
        same = same_operators(name, (2, *x.shape[1:]))
        for step, make in (("forward", forward), ("fwd+bwd", forward_backward)):
            c = compare(make(ours, x), make(reference, x), budget_s, max_rounds=max_reps,
                        settle=0.0)  # fmt: skip
            mine, theirs = c.first, c.second
            row = Row(name, step, x.shape[0], c.rounds, mine, theirs, c.ratio, *c.interval,
                      c.minima, same, c.verdict(TARGET))  # fmt: skip
            rows.append(row)
            print(
                f"  {name:10s} {step:8s} ours {1e3 * mine:9.1f} ms  reference "
                f"{1e3 * theirs:9.1f} ms  paired ratio {row.ratio:.3f} "
                f"[{row.low:.3f}, {row.high:.3f}] {row.verdict}",
                flush=True,
            )
        del ours, reference
    return rows


def channels_last_speedup(budget_s: float, max_reps: int) -> tuple[list, list]:
    """Forward seconds of ResNet-50 runs, default vs channels_last memory format."""
    torch.manual_seed(0)
    model = create_model("resnet50")
    x = torch.randn(8, 3, 224, 224)  # (N, C, H, W)
    last = create_model("resnet50").to(memory_format=torch.channels_last)
    last.load_state_dict(model.state_dict())
    x_last = x.contiguous(memory_format=torch.channels_last)  # same shape, NHWC strides
    calls = (forward(model, x), forward(last, x_last))
    return interleaved(calls, budget_s, max_rounds=max_reps, settle=0.0)


def _compile_child(queue, budget_s: float, max_reps: int) -> None:
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    model = create_model("resnet50").eval()
    x = torch.randn(8, 3, 224, 224)  # (N, C, H, W)
    compiled = torch.compile(model)
    start = time.perf_counter()
    with torch.no_grad():
        compiled(x)  # compilation happens here
    warm_up = time.perf_counter() - start
    calls = (forward(model, x), forward(compiled, x))
    runs = interleaved(calls, budget_s, max_rounds=max_reps, settle=0.0)
    queue.put((warm_up, *(statistics.median(r) for r in runs)))


def compile_speedup(budget_s: float, max_reps: int, limit_s: float):
    """(warm-up s, eager s, compiled s) of ResNet-50's forward, or None past ``limit_s``."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_compile_child, args=(queue, budget_s, max_reps))
    child.start()
    child.join(limit_s)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return queue.get(timeout=5) if not queue.empty() else None


def print_table(rows: list[Row]) -> None:
    print(
        "\n| model | pass | batch | pairs | ours (ms) | reference (ms) | paired ratio "
        "| 95% interval | verdict | ratio of minima | same ATen ops |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.name} | {r.step} | {r.batch} | {r.runs} | {1e3 * r.ours:.1f} "
            f"| {1e3 * r.reference:.1f} | {r.ratio:.3f} | {r.low:.3f}-{r.high:.3f} "
            f"| {r.verdict} | {r.minima_ratio:.3f} | {'yes' if r.same_ops else 'NO'} |"
        )
    counts = {v: sum(r.verdict == v for r in rows) for v in ("met", "noise", "missed")}
    print(
        f"\ntarget paired ratio <= {TARGET}: met (whole 95% interval below) {counts['met']}, "
        f"hidden by noise (interval across) {counts['noise']}, missed (interval above) "
        f"{counts['missed']}; worst paired ratio {max(r.ratio for r in rows):.3f}; "
        f"same ATen operators in the same order for "
        f"{sum(r.same_ops for r in rows) // 2} of {len(rows) // 2} models"
    )


def print_resnet50_options(budget: float, reps: int, compile_limit: float | None) -> None:
    default, last = (statistics.median(r) for r in channels_last_speedup(budget, reps))
    print(
        f"ResNet-50 forward, batch 8: default {1e3 * default:.1f} ms, channels_last "
        f"{1e3 * last:.1f} ms, speed-up {default / last:.2f}x"
    )
    if compile_limit is None:
        print("torch.compile: skipped (--quick or --no-compile)")
        return
    result = compile_speedup(budget, reps, compile_limit)
    if result is None:
        print(f"torch.compile: no result within {compile_limit:.0f} s")
        return
    warm_up, eager, fast = result
    print(
        f"ResNet-50 forward, batch 8: eager {1e3 * eager:.1f} ms, torch.compile "
        f"{1e3 * fast:.1f} ms, speed-up {eager / fast:.2f}x (compilation {warm_up:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"only {', '.join(QUICK)}, fewer repetitions, no torch.compile",
    )
    parser.add_argument(
        "--models", default=None, help=f"comma-separated names (default: {', '.join(FULL)})"
    )
    parser.add_argument("--no-compile", action="store_true", help="skip torch.compile")
    parser.add_argument(
        "--compile-limit",
        type=float,
        default=240.0,
        help="seconds allowed for the torch.compile measurement (default 240)",
    )
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    names = args.models.split(",") if args.models else (QUICK if args.quick else FULL)
    budget, reps = (5.0, 11) if args.quick else (20.0, 201)  # seconds and pairs per step
    start = time.perf_counter()
    print(
        f"convolab.models vs torchvision, CPU, {THREADS} threads, torch {torch.__version__}, "
        f"torchvision {torchvision.__version__}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (a load above {THREADS} means other processes add noise)"
    )
    print_table(compare_models(names, budget, reps))
    skip = args.quick or args.no_compile
    print_resnet50_options(budget, reps, None if skip else args.compile_limit)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
