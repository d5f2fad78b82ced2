"""Cases torch accepts that convolab once refused or got wrong: each against torch (or scipy)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from functional_torch_ref import t
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf

MAX = {1: (F.max_pool1d, cf.max_pool1d), 2: (F.max_pool2d, cf.max_pool2d),
       3: (F.max_pool3d, cf.max_pool3d)}  # fmt: skip
UNPOOL = {1: (F.max_unpool1d, cf.max_unpool1d), 2: (F.max_unpool2d, cf.max_unpool2d),
          3: (F.max_unpool3d, cf.max_unpool3d)}  # fmt: skip


@st.composite
def pool_case(draw):
    ndim = draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    size = tuple(d * (k - 1) + 1 + draw(st.integers(0, 3)) for k, d in zip(kernel, dilation))
    values = draw(st.sampled_from(["normal", "ties", "nan", "-inf"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((2, 2, *size))
    if values == "ties":
        x = rng.integers(0, 3, x.shape).astype(np.float64)
    elif values == "nan":
        x[rng.random(x.shape) < 0.2] = np.nan
    elif values == "-inf":
        x[rng.random(x.shape) < 0.7] = -np.inf
    return ndim, x, kernel, stride, padding, dilation, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(case=pool_case())
def test_max_pool_indices_and_gradient_as_torch(case):
    """Values and indices as torch (ties: the first maximum, NaN: the last, -inf windows:
    the first cell inside the input), and the gradient torch's backward routes through them."""
    ndim, x, kernel, stride, padding, dilation, ceil_mode = case
    pool_t, pool_o = MAX[ndim]
    xt = t(x).requires_grad_()
    ref, ref_idx = pool_t(xt, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    out, idx = pool_o(x, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_array_equal(idx, ref_idx.numpy())
    assert idx.dtype == np.int64
    g = np.random.default_rng(0).standard_normal(out.shape)
    (grad,) = torch.autograd.grad(ref, xt, t(g))
    routed = np.zeros((*x.shape[:2], int(np.prod(x.shape[2:]))))
    for n, c in np.ndindex(*x.shape[:2]):
        np.add.at(routed[n, c], idx[n, c].ravel(), g[n, c].ravel())
    np.testing.assert_allclose(routed.reshape(x.shape), grad.numpy(), atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(case=pool_case(), grow=st.integers(0, 1))
def test_max_unpool_forward_and_gradient_as_torch(case, grow):
    ndim, x, kernel, stride, padding, _, _ = case
    pool_o = MAX[ndim][1]
    unpool_t, unpool_o = UNPOOL[ndim]
    y, idx = pool_o(x, kernel, stride, padding, return_indices=True)
    default = [(w - 1) * s - 2 * p + k for w, s, p, k in zip(y.shape[2:], stride, padding, kernel)]
    size = tuple(d + grow * (s > 1) for d, s in zip(default, stride))
    yt = t(y).requires_grad_()
    try:
        ref = unpool_t(yt, torch.from_numpy(idx), kernel, stride, padding, size)
    except RuntimeError:  # an index past the smaller unpooled plane: refused alike
        with pytest.raises(ValueError, match="indices must be"):
            unpool_o(y, idx, kernel, stride, padding, size)
        return
    ours = unpool_o(y, idx, kernel, stride, padding, size)
    np.testing.assert_array_equal(ours, ref.detach().numpy())
    if not ours.size:
        return  # an empty plane: torch's backward fails on its indices
    upstream = np.random.default_rng(1).standard_normal(ours.shape)
    (grad,) = torch.autograd.grad(ref, yt, t(upstream))
    gathered = np.take_along_axis(upstream.reshape(*ours.shape[:2], -1),
                                  idx.reshape(*idx.shape[:2], -1), axis=2)  # fmt: skip
    np.testing.assert_array_equal(gathered.reshape(y.shape), grad.numpy())


def test_max_unpool_refuses_what_torch_refuses():
    y, idx = cf.max_pool2d(np.random.default_rng(0).random((1, 1, 5, 5)), 2, return_indices=True)
    with pytest.raises(ValueError, match="output_size must be sizes within a stride"):
        cf.max_unpool2d(y, idx, 2, output_size=(7, 7))
    with pytest.raises(ValueError, match="indices must be indices below"):
        cf.max_unpool2d(y, idx, 2, output_size=(3, 3))
    with pytest.raises(RuntimeError):
        F.max_unpool2d(t(y), torch.from_numpy(idx), 2, output_size=(3, 3))


def test_ceil_mode_window_longer_than_the_input():
    for pool_t, pool_o in ((F.max_pool1d, cf.max_pool1d), (F.avg_pool1d, cf.avg_pool1d)):
        x = np.array([[[2.5]]])
        np.testing.assert_array_equal(
            pool_o(x, 2, 2, ceil_mode=True), pool_t(t(x), 2, 2, ceil_mode=True).numpy()
        )
    x = np.array([[[1.0, 2.0]]])
    np.testing.assert_allclose(
        cf.avg_pool1d(x, 5, 3, 1, ceil_mode=True), F.avg_pool1d(t(x), 5, 3, 1, True).numpy()
    )


def _torch_pad_well_defined(n, lo, hi, mode) -> bool:
    """torch's circular pad reads uninitialised memory where the crops leave less than the
    padding: convolab refuses those, so they are left out of the comparison."""
    kept = n - max(-lo, 0) - max(-hi, 0)
    return mode != "circular" or n + lo + hi == 0 or max(lo, hi, 1) <= kept


@settings(max_examples=400, deadline=None)
@given(
    n=st.integers(1, 6),
    lo=st.integers(-7, 7),
    hi=st.integers(-7, 7),
    mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]),
)
def test_negative_padding_in_every_mode_as_torch(n, lo, hi, mode):
    if not _torch_pad_well_defined(n, lo, hi, mode):
        with pytest.raises(ValueError):
            cf.pad(np.ones((1, 1, n)), (lo, hi), mode=mode)
        return
    x = np.arange(1.0, n + 1).reshape(1, 1, n)
    if mode == "circular" and n + lo + hi == 0 and max(lo, hi) <= n:
        # torch returns the empty axis for some of these crops, fails inside on others
        assert cf.pad(x, (lo, hi), mode=mode).shape == (1, 1, 0)
        return
    try:
        ref = F.pad(t(x), (lo, hi), mode=mode).numpy()
    except RuntimeError:
        try:
            ours = cf.pad(x, (lo, hi), mode=mode)
        except ValueError as error:
            assert str(error).startswith("pad must be")
            return
        # the one refusal convolab does not share: torch's 2-D and 3-D pads return it
        assert mode == "reflect" and ours.shape == (1, 1, 0), (mode, ours.shape)
        return
    np.testing.assert_array_equal(cf.pad(x, (lo, hi), mode=mode), ref)


def test_issue_examples_of_padding():
    x = np.arange(5.0).reshape(1, 1, 5)
    np.testing.assert_array_equal(cf.pad(x, (-1, 2), mode="replicate"), [[[1, 2, 3, 4, 4, 4]]])
    assert cf.pad(x, (-3, -2)).shape == (1, 1, 0)  # a constant crop to nothing: empty, as torch


@pytest.mark.parametrize(
    ("ours", "ref"),
    [
        (lambda x: cf.max_pool2d(x, 3, 1, (1,)), lambda x: F.max_pool2d(x, 3, 1, (1,))),
        (lambda x: cf.max_pool2d(x, (3,), (2,), 1, (1,)), lambda x: F.max_pool2d(x, (3,), (2,), 1)),
        (lambda x: cf.avg_pool2d(x, (3,), 1, (1,)), lambda x: F.avg_pool2d(x, (3,), 1, (1,))),
        (
            lambda x: cf.conv2d(x, np.ones((1, 1, 3, 3)), stride=(2,), padding=(1,)),
            lambda x: F.conv2d(x, torch.ones(1, 1, 3, 3, dtype=x.dtype), stride=(2,), padding=(1,)),
        ),
    ],
)
def test_one_element_tuples_broadcast(ours, ref):
    x = np.random.default_rng(0).standard_normal((1, 1, 6, 6))
    np.testing.assert_allclose(ours(x), ref(t(x)).numpy(), atol=1e-12)


def test_negative_divisor_override_as_torch():
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    np.testing.assert_allclose(
        cf.avg_pool2d(x, 2, divisor_override=-2), F.avg_pool2d(t(x), 2, divisor_override=-2)
    )


@pytest.mark.parametrize(("a", "v"), [([1, 2], [1, 1, 1]), ([3.0], [1.0, 2.0, 3.0])])
def test_convolve_valid_swaps_a_larger_kernel(a, v):
    np.testing.assert_allclose(cf.convolve(a, v, "valid"), np.convolve(a, v, "valid"))
    np.testing.assert_allclose(cf.convolve(a, v, "valid"), scipy.signal.convolve(a, v, "valid"))


def test_convolve_valid_refuses_mixed_sizes_as_scipy():
    with pytest.raises(ValueError, match="for mode 'valid'"):
        cf.convolve(np.ones((3, 2)), np.ones((2, 3)), "valid")
    with pytest.raises(ValueError):
        scipy.signal.convolve(np.ones((3, 2)), np.ones((2, 3)), "valid")


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.integers(-1000, 1000), min_size=1, max_size=40),
    v=st.lists(st.integers(-1000, 1000), min_size=1, max_size=40),
    mode=st.sampled_from(["full", "same", "valid"]),
)
def test_convolve_integers_exactly(a, v, mode):
    """Integer operands get exact sums, as numpy.convolve's integer arithmetic (the cost model
    once chose FFT for tiny inputs: convolve([3, 4, 5, 6, 5, 4], [1, 2, 3])[0] was
    2.999999999999999)."""
    if mode == "same" and len(v) > len(a):
        return  # numpy centres 'same' on the longer operand, scipy on the first
    np.testing.assert_array_equal(cf.convolve(a, v, mode), np.convolve(a, v, mode))


def test_issue_example_of_exact_integers():
    assert cf.convolve([3, 4, 5, 6, 5, 4], [1, 2, 3])[0] == 3.0
