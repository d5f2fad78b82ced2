"""The benchmarks' timing harness: paired ratios, their sign-test interval, geometric means."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from convolab._timing import geometric_mean, interleaved, median_interval, paired


def test_paired_is_the_median_of_per_round_ratios():
    a, b = [2.0, 4.0, 9.0], [1.0, 1.0, 3.0]  # ratios 2, 4, 3
    c = paired(a, b)
    assert (c.first, c.second, c.ratio, c.minima, c.rounds) == (4.0, 1.0, 3.0, 2.0, 3)
    assert c.verdict(5.0) == "met" and c.verdict(1.5) == "missed"


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**32 - 1))
def test_the_interval_holds_the_median_at_the_sign_test_ranks(n, seed):
    """Ranks k and n + 1 - k, k the largest with P(Binomial(n, 1/2) < k) <= 2.5%."""
    values = np.random.default_rng(seed).random(n).tolist()
    low, high = median_interval(values)
    ordered = sorted(values)
    k = max([j for j in range(1, n // 2 + 1) if binom.cdf(j - 1, n, 0.5) <= 0.025], default=1)
    assert (low, high) == (ordered[k - 1], ordered[n - k])
    assert low <= statistics.median(values) <= high


def test_geometric_mean_leaves_nan_out():
    assert geometric_mean([2.0, 8.0, math.nan]) == pytest.approx(4.0)
    assert math.isnan(geometric_mean([math.nan]))


def test_interleaved_times_every_call_each_round():
    counts = [0, 0]

    def first():
        counts[0] += 1

    def second():
        counts[1] += 1

    times = interleaved([first, second], 0.0, min_rounds=4, max_rounds=4, settle=0.0)
    assert [len(t) for t in times] == [4, 4] and counts[0] >= 4 and counts[1] >= 4
