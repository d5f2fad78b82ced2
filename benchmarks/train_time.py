"""`convolab train lenet5` wall time on 2 CPU cores, and the training loop's images/s vs a
plain hand-written PyTorch loop on the same model, data, optimizer and schedule.

    .venv/bin/python benchmarks/train_time.py [--quick] [--threads]

Part 1 runs the CLI with no options (LeNet-5 on digits, the defaults of TrainConfig) in a
subprocess pinned to two cores and reports its wall time and test accuracy (targets: <= 30 s,
>= 98.5%). Part 2 times convolab's `train_epoch` (loader, transform, AMP/progress plumbing,
metric sums) against the textbook loop (index precomputed tensors, zero_grad, forward,
cross-entropy, backward, step, scheduler step, running loss/accuracy with .item()), both
without augmentation, interleaved, and prints median images/s and their ratio (target >= 0.95).

``--threads`` instead times one epoch of LeNet-5 (7,200 MNIST-size images, batch 64,
augmentation on) with 1 and 2 torch threads, interleaved, on the machine as it is and with
one and two CPU hogs (``python -c "while 1: pass"``) beside it: the measurement behind
``TrainConfig.threads`` (convolab.train._runtime).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from convolab._timing import interleaved, pin_threads
from convolab.data import (
    Augment,
    BatchLoader,
    ImageArrays,
    load_data,
    to_model_size,
    transform_batch,
)
from convolab.models import create_model
from convolab.train import TrainConfig
from convolab.train._engine import Step, train_epoch
from convolab.train._fit import make_card
from convolab.train._optim import build_optimizer, build_schedule
from convolab.train._progress import Progress

CORES = 2


def _pin_two_cores() -> None:
    pin_threads(CORES)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_wall_time(runs: int) -> list[tuple[float, float, float]]:
    """(wall s, CPU s, test accuracy) of `convolab train lenet5` with no options, `runs` times.

    The CPU time (user + system of the child) tells a busy machine from a slow run: on two
    idle cores the wall time is at least half of it.
    """
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu = time.perf_counter(), _children_cpu()
            subprocess.run(
                [sys.executable, "-m", "convolab", "train", "lenet5"],
                cwd=tmp,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_pin_two_cores,
            )
            seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
            test = json.loads((Path(tmp) / "runs" / "lenet5" / "test.json").read_text())
            results.append((seconds, cpu, test["accuracy"]))
    return results


def _setup(model_name: str, arrays: ImageArrays, batch: int, steps: int):
    config = TrainConfig(model=model_name, batch_size=batch, augment=False, device="cpu")
    card = make_card(config, load_data("digits"))
    torch.manual_seed(0)
    model = create_model(model_name, num_classes=10, in_channels=card.preprocess.in_channels)
    optimizer = build_optimizer(model.parameters(), config)
    schedule = build_schedule(optimizer, config, steps * 1000)  # stays in the warm-up
    return card.preprocess, model, optimizer, schedule


def convolab_rate(model_name, arrays, batch, steps, epochs) -> float:
    """Images/s of convolab's training epochs (train_epoch over a BatchLoader)."""
    prep, model, optimizer, schedule = _setup(model_name, arrays, batch, steps)
    loader = BatchLoader(arrays, batch, shuffle=True, prepare=partial(to_model_size, prep=prep))
    step = Step(model, torch.device("cpu"), prep, optimizer, schedule)
    seen = 0.0
    start = time.perf_counter()
    for epoch in range(epochs):
        loader.set_epoch(epoch)
        progress = Progress(len(loader), "bench", True, stream=io.StringIO())
        seen += float(train_epoch(step, loader, torch.Generator().manual_seed(epoch), progress)[2])
    return seen / (time.perf_counter() - start)


def plain_rate(model_name, arrays, batch, steps, epochs) -> float:
    """Images/s of the textbook loop on precomputed, normalised tensors."""
    prep, model, optimizer, schedule = _setup(model_name, arrays, batch, steps)
    images = torch.from_numpy(arrays.images).permute(0, 3, 1, 2)  # (N, C, h, w)
    x_all = transform_batch(images, prep).contiguous()  # (N, C, H, W), NCHW layout
    y_all = torch.from_numpy(arrays.labels)
    model.train()
    running_loss, correct, seen = 0.0, 0, 0
    start = time.perf_counter()
    for epoch in range(epochs):
        order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(epoch))
        for i in range(0, len(order) - batch + 1, batch):
            x, y = x_all[order[i : i + batch]], y_all[order[i : i + batch]]
            optimizer.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            optimizer.step()
            schedule.step()
            running_loss += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
    return seen / (time.perf_counter() - start)


def compare(model_name: str, batch: int, steps: int, epochs: int, repeats: int) -> tuple:
    """Median images/s (convolab, plain) over ``repeats`` samples of ``epochs`` epochs each.

    The two sides alternate which goes first, so drift in the machine's load hits both.
    """
    arrays = load_data("digits").train.subset(slice(0, batch * steps))
    convolab_rate(model_name, arrays, batch, 1, 1)  # warm-up: oneDNN kernels, allocator

    def seconds_per_image(side) -> float:  # the sides time themselves, set-up left out
        return 1 / side(model_name, arrays, batch, steps, epochs)

    sides = [partial(seconds_per_image, side) for side in (convolab_rate, plain_rate)]
    ours, plain = interleaved(sides, min_rounds=repeats, clock=None)
    return 1 / statistics.median(ours), 1 / statistics.median(plain)


def _lenet_epoch_seconds(arrays: ImageArrays) -> float:
    """Wall time of one augmented LeNet-5 epoch at batch 64, at torch's current threads."""
    config = TrainConfig(device="cpu")
    prep = make_card(config, load_data("digits")).preprocess
    torch.manual_seed(0)
    model = create_model("lenet5")
    optimizer = build_optimizer(model.parameters(), config)
    schedule = build_schedule(optimizer, config, 1000)  # stays in the warm-up
    step = Step(model, torch.device("cpu"), prep, optimizer, schedule, augment=Augment())
    loader = BatchLoader(arrays, 64, shuffle=True, prepare=partial(to_model_size, prep=prep))
    progress = Progress(len(loader), "bench", False)
    start = time.perf_counter()
    train_epoch(step, loader, torch.Generator().manual_seed(0), progress)
    return time.perf_counter() - start


def threads_under_load(repeats: int) -> None:
    """Median epoch seconds at 1 and 2 threads, with 0, 1 and 2 busy-looping processes."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7200, 28, 28, 1), dtype=np.uint8)
    arrays = ImageArrays(images, rng.integers(0, 10, 7200))
    for hogs in range(3):
        busy = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(hogs)]
        try:
            times = {1: [], 2: []}
            for r in range(repeats):
                for threads in (1, 2) if r % 2 == 0 else (2, 1):
                    torch.set_num_threads(threads)
                    times[threads].append(_lenet_epoch_seconds(arrays))
        finally:
            for process in busy:
                process.kill()
                process.wait()
        one, two = statistics.median(times[1]), statistics.median(times[2])
        print(
            f"  {hogs} hog(s), load average {os.getloadavg()[0]:4.1f}: 1 thread {one:6.2f} s, "
            f"2 threads {two:6.2f} s per epoch ({two / one:.1f}x), median of {repeats}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--threads", action="store_true", help="epoch time vs threads and load")
    args = parser.parse_args()
    _pin_two_cores()
    if args.threads:
        print("== LeNet-5 epoch (7,200 images, batch 64, augmented) vs torch threads and load")
        threads_under_load(2 if args.quick else 4)
        return
    torch.set_num_threads(CORES)
    runs = 1 if args.quick else 3
    print(
        f"== `convolab train lenet5` (defaults: LeNet-5, digits), {CORES} cores, {runs} run(s); "
        f"load average before: {os.getloadavg()[0]:.1f}"
    )
    results = cli_wall_time(runs)
    for seconds, cpu, accuracy in results:
        print(f"  wall {seconds:6.1f} s   CPU {cpu:6.1f} s   test accuracy {100 * accuracy:.2f}%")
    print(
        f"  median wall {statistics.median(r[0] for r in results):.1f} s (target <= 30 s), "
        f"min accuracy {100 * min(r[2] for r in results):.2f}% (target >= 98.5%)"
    )
    print("== training images/s, convolab train_epoch vs a plain PyTorch loop (no augmentation)")
    print(f"  {'model':10s} {'batch':>5s} {'steps':>5s} {'convolab':>10s} {'plain':>10s} ratio")
    cases = [  # (model, batch, steps per epoch, epochs per sample, samples)
        ("lenet5", 64, 19, 5, 5 if args.quick else 11),
        # one step per sample: many short alternating samples resist a shared machine's drift
        ("resnet18", 16, 1, 1, 4 if args.quick else 12),
    ]
    for name, batch, steps, epochs, repeats in cases:
        ours, plain = compare(name, batch, steps, epochs, repeats)
        print(
            f"  {name:10s} {batch:5d} {steps:5d} {ours:10.1f} {plain:10.1f} "
            f"{ours / plain:5.3f}  (target >= 0.95, median of {repeats})"
        )


if __name__ == "__main__":
    main()
