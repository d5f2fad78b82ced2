"""This checkout's engine against an older commit's, paired in one process (and torch beside).

    python benchmarks/before_after.py 08c4010             # conv suite forward, then backward
    python benchmarks/before_after.py 08c4010 --filters   # filter_image on the filters grid

The other commit's ``src/convolab`` is extracted with ``git archive`` into a temporary
directory and imported as ``convolab_before`` (its imports renamed), so both engines run in
the same process, interleaved round by round (:mod:`convolab._timing`): ``new/old`` is the
median of the per-round ratios, with its sign-test 95% interval, which a loaded machine
widens but does not bias the way two separate runs would.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from convolab._timing import environment, geometric_mean, interleaved, paired, pin_threads

ROOT = Path(__file__).resolve().parents[1]
THREADS = 2


def import_before(commit: str, into: Path):
    """``convolab`` of ``commit``, importable as ``convolab_before`` from ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src/convolab"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "convolab_before"
    (into / "src" / "convolab").rename(package)
    for path in package.rglob("*.py"):
        # in code and in strings (files("convolab")): the copy reads its own resources
        text = re.sub(r"\bconvolab(?=[.\s\"'])", "convolab_before", path.read_text())
        path.write_text(text)
    sys.path.insert(0, str(into))
    for module in ("functional", "image"):
        importlib.import_module(f"convolab_before.{module}")
    return sys.modules["convolab_before"]


def _row(name: str, times: list[list[float]]) -> tuple[float, float, float]:
    """Print one row: each engine against the first call (the reference), and new/old paired."""
    reference, old, new = times
    change = paired(new, old)
    old_ratio, new_ratio = paired(old, reference).ratio, paired(new, reference).ratio
    low, high = change.interval
    print(f"{name:24s} {old_ratio:8.2f} {new_ratio:8.2f} {change.ratio:8.2f}  "
          f"[{low:.2f}, {high:.2f}]", flush=True)  # fmt: skip
    return old_ratio, new_ratio, change.ratio


def _means(rows: list[tuple[float, float, float]]) -> None:
    """The geometric mean of each column, and the worst paired new/old."""
    means = [geometric_mean(column) for column in zip(*rows)]
    worst = max(ratio for _, _, ratio in rows)
    print(f"{'geometric mean':24s} " + " ".join(f"{m:8.2f}" for m in means)
          + f"  (worst new/old {worst:.2f})\n")  # fmt: skip


def conv_suite(before, rounds: int, backward: bool) -> None:
    import convolab.functional as new
    from convolab.report._conv_suite import SUITE, layer_calls

    title = f"layer ({'backward' if backward else 'forward'})"
    print(f"{title:24s} {'old/torch':>8s} {'new/torch':>8s} {'new/old':>8s}  95% interval")
    ratios = []
    for layer in SUITE:
        calls = layer_calls(layer, (before.functional, new), backward)
        times = interleaved(calls, 0.0, min_rounds=rounds, max_rounds=rounds)
        ratios.append(_row(layer.name, times))
    _means(ratios)


def filters(before, rounds: int) -> None:
    """filter_image of both commits on the grid of ``benchmarks/filters.py``, cv2 beside."""
    import cv2
    import numpy as np

    from convolab.image import filter_image, get_kernel

    cv2.setNumThreads(THREADS)
    REFLECT = cv2.BORDER_REFLECT  # scipy.ndimage's 'reflect', filter_image's default
    rng = np.random.default_rng(0)
    images = {
        "gray f32": rng.random((1024, 1024), dtype=np.float32),
        "RGB u8": rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8),
    }
    print(f"{'filter':24s} {'old/cv2':>8s} {'new/cv2':>8s} {'new/old':>8s}  95% interval")
    ratios = []
    for image_name, image in images.items():
        for size in (3, 5, 9, 15, 31, 63):
            kernels = {
                "gaussian": get_kernel("gaussian_blur", size=size, sigma=size / 6),
                "box": get_kernel("box_blur", size=size),
                "random": rng.standard_normal((size, size)) / size,
            }
            for kernel_name, kernel in kernels.items():
                calls = [
                    functools.partial(cv2.filter2D, image, -1, kernel, borderType=REFLECT),
                    functools.partial(before.image.filter_image, image, kernel),
                    functools.partial(filter_image, image, kernel),
                ]
                times = interleaved(calls, 0.0, min_rounds=rounds, max_rounds=rounds)
                ratios.append(_row(f"{image_name} {kernel_name} {size}", times))
    _means(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the commit to compare with, e.g. 08c4010 or main~5")
    parser.add_argument("--filters", action="store_true", help="filter_image, not the suite")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    args = parser.parse_args()
    pin_threads(THREADS)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(THREADS)
    print(environment(THREADS))
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(THREADS):
        before = import_before(args.commit, Path(tmp))
        print(f"old: {args.commit}; new: this checkout; ratios of median times per round\n")
        if args.filters:
            filters(before, args.rounds)
        else:
            conv_suite(before, args.rounds, backward=False)
            conv_suite(before, args.rounds, backward=True)


if __name__ == "__main__":
    main()
