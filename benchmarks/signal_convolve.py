"""convolab.signal.convolve vs numpy.convolve, side by side, medians.

Targets (issue 3): method='auto' >= 10x faster than numpy.convolve for two signals of
100,000 samples, and never slower than it by more than 1.2x on short ones. Every mode is
timed; float64 random signals (speed does not depend on the values).

Run: ``.venv/bin/python benchmarks/signal_convolve.py [--quick]``.
"""

from __future__ import annotations

import argparse

import numpy as np

from convolab._timing import compare

# (len(a), len(v)): short pairs, then longer ones up to the 100k x 100k.
PAIRS = (
    (3, 3),
    (10, 3),
    (100, 10),
    (1000, 3),
    (1000, 100),
    (1000, 1000),
    (10_000, 10),
    (10_000, 1000),
    (100_000, 100),
    (100_000, 100_000),
)


def main() -> None:
    from convolab.signal import convolve

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing budget")
    args = parser.parse_args()
    budget = 0.1 if args.quick else 0.6
    rng = np.random.default_rng(0)
    print(
        f"{'len(a)':>8} {'len(v)':>8} {'mode':>5} {'numpy ms':>10} {'convolab ms':>12} "
        f"{'speed-up':>9}"
    )
    worst = float("inf")
    for n, m in PAIRS:
        a, v = rng.standard_normal(n), rng.standard_normal(m)
        for mode in ("full", "same", "valid"):
            result = compare(  # alternating batches of ~1 ms (a lone microsecond call
                lambda: np.convolve(a, v, mode),  # noqa: B023  measures 1.5 or 3 us at random)
                lambda: convolve(a, v, mode),  # noqa: B023
                budget,
                min_rounds=3,
                max_rounds=200,
                settle=0.0,
            )
            ref, ours = result.first, result.second
            worst = min(worst, ref / ours)
            print(
                f"{n:8} {m:8} {mode:>5} {1e3 * ref:10.4f} {1e3 * ours:12.4f} {ref / ours:8.2f}x",
                flush=True,
            )
    print(
        f"smallest speed-up {worst:.2f}x (target: >= 1/1.2 = 0.83x on short signals, "
        ">= 10x at 100k x 100k)"
    )


if __name__ == "__main__":
    main()
