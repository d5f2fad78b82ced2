"""sliding_windows (the primitive) against its definition, and unfold against torch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch.nn.functional as F
from functional_torch_ref import t
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.functional import sliding_windows, unfold


@settings(max_examples=80, deadline=None)
@given(ndim=st.integers(1, 3), data=st.data())
def test_windows_follow_the_definition(ndim, data):
    kernel = data.draw(st.tuples(*[st.integers(1, 3)] * ndim))
    stride = data.draw(st.tuples(*[st.integers(1, 3)] * ndim))
    dilation = data.draw(st.tuples(*[st.integers(1, 2)] * ndim))
    size = tuple(d * (k - 1) + 1 + data.draw(st.integers(0, 4)) for k, d in zip(kernel, dilation))
    x = np.arange(2 * np.prod(size)).reshape(1, 2, *size)
    win = sliding_windows(x, kernel, stride, dilation)
    out = tuple(
        (s - d * (k - 1) - 1) // st_ + 1 for s, k, d, st_ in zip(size, kernel, dilation, stride)
    )
    assert win.shape == (1, 2, *out, *kernel)
    assert not win.flags.writeable
    for o in itertools.product(*map(range, out)):
        for j in itertools.product(*map(range, kernel)):
            cell = tuple(oi * s + ji * d for oi, ji, s, d in zip(o, j, stride, dilation))
            assert win[(0, 1, *o, *j)] == x[(0, 1, *cell)]


def test_windows_are_a_view():
    x = np.zeros((1, 1, 5, 5))
    assert np.shares_memory(sliding_windows(x, 3), x)


def test_index_grid_shows_cells_read():
    grid = np.arange(25).reshape(1, 1, 5, 5)
    win = sliding_windows(grid, 3, stride=2)
    np.testing.assert_array_equal(win[0, 0, 1, 1], [[12, 13, 14], [17, 18, 19], [22, 23, 24]])


@pytest.mark.parametrize(
    ("kernel", "dilation", "padding", "stride"),
    [(2, 1, 0, 1), ((2, 3), 1, 1, 2), (3, 2, (1, 2), (1, 2)), (1, 1, 0, 3)],
)
def test_unfold_matches_torch(kernel, dilation, padding, stride):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8))
    ref = F.unfold(t(x), kernel, dilation, padding, stride).numpy()
    np.testing.assert_array_equal(unfold(x, kernel, dilation, padding, stride), ref)
    np.testing.assert_array_equal(unfold(x[0], kernel, dilation, padding, stride), ref[0])


def test_windows_bad_rank():
    with pytest.raises(ValueError, match=r"x must be an array \(N, C, \*spatial\).*got shape"):
        sliding_windows(np.ones((3, 3)), 2)
