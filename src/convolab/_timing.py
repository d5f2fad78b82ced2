"""The one timing harness of the benchmarks and the report: calls timed side by side.

Shared machines drift: timed one after the other, two calls would be measured in different
weather. So calls are timed in *interleaved rounds* (a b, then b a, ...); in each round a
call gets a pause that lets the previous library's spinning worker threads go to sleep
(OpenBLAS keeps them busy up to ~0.1 s, stealing the CPUs from whatever runs next), one
untimed call that wakes its own threads, then a batch of timed calls long enough (~1 ms) for
the clock to resolve (with ``settle=0`` neither pause nor untimed call: for calls that
leave no threads behind, or too slow to repeat). A comparison reports medians, the median
of the per-round ratios (a slow spell of the machine hits both calls of a round) and a
distribution-free 95% interval of that median (the sign test), so a verdict can say when
noise hides the answer::

    pin_threads(2)  # before the libraries start their pools
    result = compare(ours, reference, budget_s=2.0)
    print(result.ratio, result.interval, result.verdict(1.25))
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SETTLE_SECONDS = 0.15  # pause before each call's batch in a round (worker threads sleep)
BATCH_SECONDS = 1e-3  # a batch of timed calls lasts at least this long


def pin_threads(threads: int = 2) -> None:
    """Run on ``threads`` CPUs with that many threads in every library: the affinity mask, and
    the variables OpenMP, OpenBLAS and MKL read when they load (a library loaded already
    keeps its count: the benchmarks also hold BLAS to ``threads`` with threadpoolctl)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) > threads:
        os.sched_setaffinity(0, cpus[:threads])
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def environment(threads: int) -> str:
    """One line saying what the numbers ran on: NumPy, its BLAS, threads, CPUs and load."""
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = [
        f"{i['internal_api']} {i['version']} ({i.get('architecture')})"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    return (
        f"numpy {np.__version__}, BLAS: {', '.join(blas)}; {threads} threads on "
        f"{len(os.sched_getaffinity(0))} CPUs; load average {os.getloadavg()[0]:.1f}"
    )


def interleaved(
    calls: Sequence[Callable[[], object]],
    budget_s: float = 1.0,
    *,
    min_rounds: int = 5,
    max_rounds: int = 201,
    settle: float = SETTLE_SECONDS,
    clock: Callable[[], float] | None = time.perf_counter,
) -> list[list[float]]:
    """Seconds per call of each of ``calls``, one value per round (module notes).

    Rounds go on until ``budget_s`` is spent, at least ``min_rounds`` and at most
    ``max_rounds``; the order of the calls alternates from round to round. ``clock``:
    wall time by default; ``time.process_time`` measures the CPU a call costs whatever
    else the machine runs (single-threaded calibrations); ``None`` for calls that time
    themselves and return their seconds (a training epoch, its set-up left out).
    """
    if clock is None:
        return _self_timed(calls, min_rounds)
    counts = [_batch_count(call) for call in calls]
    times: list[list[float]] = [[] for _ in calls]
    start = time.perf_counter()
    while len(times[0]) < min_rounds or (
        len(times[0]) < max_rounds and time.perf_counter() - start < budget_s
    ):
        order = range(len(calls)) if len(times[0]) % 2 == 0 else reversed(range(len(calls)))
        for which in order:
            if settle:
                time.sleep(settle)
                calls[which]()  # wakes this library's threads; not timed
            begin = clock()
            for _ in range(counts[which]):
                calls[which]()
            times[which].append((clock() - begin) / counts[which])
    return times


def _self_timed(calls, rounds: int) -> list[list[float]]:
    """``rounds`` values of each call's own returned seconds, the order alternating."""
    times: list[list[float]] = [[] for _ in calls]
    for r in range(rounds):
        order = range(len(calls)) if r % 2 == 0 else reversed(range(len(calls)))
        for which in order:
            times[which].append(calls[which]())
    return times


def _batch_count(call: Callable[[], object]) -> int:
    """How many calls make a batch of :data:`BATCH_SECONDS` (a slow call is its own batch),
    from one call that also warms up plans, caches and first-touch pages."""
    begin = time.perf_counter()
    call()
    return max(1, math.ceil(BATCH_SECONDS / max(time.perf_counter() - begin, 1e-9)))


@dataclass(frozen=True)
class Comparison:
    """Two calls timed side by side: medians (seconds) and the paired ratio first/second."""

    first: float  # median seconds per call
    second: float
    ratio: float  # median over rounds of first / second
    interval: tuple[float, float]  # sign-test 95% interval of that median
    minima: float  # fastest first / fastest second
    rounds: int

    def verdict(self, target: float) -> str:
        """'met' when the whole interval is at most ``target``, 'missed' when it is all
        above, else 'noise' (the machine's spread hides which side it is on)."""
        low, high = self.interval
        return "met" if high <= target else "missed" if low > target else "noise"


def compare(first, second, budget_s: float = 1.0, **rounds) -> Comparison:
    """``first`` against ``second`` in interleaved rounds (:func:`interleaved`)."""
    return paired(*interleaved((first, second), budget_s, **rounds))


def paired(a: Sequence[float], b: Sequence[float]) -> Comparison:
    """Times ``a`` against times ``b`` of the same rounds (from :func:`interleaved`)."""
    ratios = [x / y for x, y in zip(a, b)]
    return Comparison(
        statistics.median(a),
        statistics.median(b),
        statistics.median(ratios),
        median_interval(ratios),
        min(a) / min(b),
        len(a),
    )


def median_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Distribution-free confidence interval of the median: the order statistics ``k`` and
    ``n + 1 - k`` with ``P(Binomial(n, 1/2) < k) <= (1 - level) / 2`` (the sign test)."""
    from scipy.stats import binom

    ordered, n = sorted(values), len(values)
    k = max(int(binom.ppf((1 - level) / 2, n, 0.5)), 1)  # 1-based rank
    if binom.cdf(k - 1, n, 0.5) > (1 - level) / 2:  # too few values for this level
        k = 1
    return ordered[k - 1], ordered[n - k]


def geometric_mean(values) -> float:
    """exp(mean(log v)) over the numbers of ``values`` (NaN left out), NaN when none."""
    values = [v for v in values if not math.isnan(v)]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan
