"""pad against torch.nn.functional.pad (and numpy for 'symmetric'), pairs, crops, limits."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from functional_torch_ref import t
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.functional import pad
from convolab.functional._pad import pad_pairs

TORCH_MODES = ("constant", "reflect", "replicate", "circular")


@pytest.mark.parametrize("mode", TORCH_MODES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("amount", [0, 1, 2])
def test_pad_matches_torch(mode, ndim, amount):
    rng = np.random.default_rng(ndim * 10 + amount)
    x = rng.standard_normal((2, 3, *(3,) * ndim))
    widths = tuple(int(v) for v in rng.integers(0, amount + 1, 2 * ndim))
    ours = pad(x, widths, mode=mode)
    ref = F.pad(t(x), widths, mode=mode).numpy()
    np.testing.assert_array_equal(ours, ref)


@settings(max_examples=60, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    data=st.data(),
    mode=st.sampled_from(TORCH_MODES),
)
def test_pad_hypothesis(shape, data, mode):
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) + 1
    limit = {"reflect": min(shape) - 1, "circular": min(shape)}.get(mode, 3)
    widths = tuple(
        data.draw(st.lists(st.integers(0, limit), min_size=2 * len(shape), max_size=2 * len(shape)))
    )
    xt = t(x)[None, None] if mode != "constant" else t(x)
    ref = F.pad(xt, widths, mode=mode)
    ours = pad(x, widths, mode=mode)
    np.testing.assert_array_equal(ours, ref.reshape(ours.shape).numpy())


def test_constant_value_and_crop():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(
        pad(x, (1, -1), value=9.0), F.pad(t(x), (1, -1), value=9.0).numpy()
    )
    np.testing.assert_array_equal(pad(x, (-1, 0, 0, 1)), F.pad(t(x), (-1, 0, 0, 1)).numpy())


@pytest.mark.parametrize("amount", [1, 2, 3])
def test_symmetric_is_numpy_symmetric(amount):
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(
        pad(x, (amount, 1, 1, amount), mode="symmetric"),
        np.pad(x, ((1, amount), (amount, 1)), mode="symmetric"),
    )


def test_pairs_form_pads_in_axis_order():
    x = np.ones((2, 3))
    assert pad_pairs(x, ((1, 0), (0, 2))).shape == (3, 5)


def test_integer_dtype_kept():
    assert pad(np.arange(3), (1, 1)).dtype == np.arange(3).dtype


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.ones((2, 3)), (3, 0), "reflect"), ValueError, r"pad must be at most 2 \(input size 3"),
        ((np.ones((2, 3)), (4, 0), "circular"), ValueError, r"pad must be at most 3"),
        ((np.ones(3), (1,), "constant"), ValueError, r"pad must be a tuple of an even number"),
        ((np.ones(3), (1, 1, 1, 1), "constant"), ValueError, r"at most 2\) of ints"),
        ((np.ones(3), 1, "constant"), TypeError, r"pad must be a tuple .* of type int"),
        ((np.ones(3), (1, 1), "wrap"), ValueError, r"mode must be one of 'constant', 'reflect'"),
        ((np.ones(3), (-2, -1), "replicate"), ValueError, r"padding that leaves at least one"),
        ((np.ones(3), (-2, -2), "constant"), ValueError, r"a crop of at most the input size"),
    ],
)
def test_pad_errors(args, error, match):
    with pytest.raises(error, match=match):
        pad(*args)


def test_torch_refuses_the_same_reflect():
    with pytest.raises(RuntimeError):
        F.pad(torch.ones(1, 2, 3), (3, 0), mode="reflect")
