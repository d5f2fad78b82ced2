"""Zero-sized and degenerate shapes for every public function, against torch.

Each case runs torch and convolab on the same arguments: both give the same shape and values,
or both refuse (torch with RuntimeError/ValueError, convolab with its InputError).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch.nn.functional as F
import torch.nn.grad as G
from functional_torch_ref import t
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab
import convolab.functional as cf

NDIMS = (1, 2, 3)


def _run_torch(call):
    try:
        out = call()
    except (RuntimeError, ValueError, IndexError):
        return None
    return out


def _run_ours(call):
    try:
        return call()
    except convolab.InputError:
        return None


def assert_same(ours, ref):
    """Both refused, or the same shapes and values (tuples element by element)."""
    if ref is None or ours is None:
        assert ref is None and ours is None, (type(ours), type(ref))
        return
    if isinstance(ref, tuple):
        for a, b in zip(ours, ref):
            assert_same(a, b)
        return
    ref = ref.detach().numpy()
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)


@st.composite
def conv_case(draw, transposed=False):
    ndim = draw(st.sampled_from(NDIMS))
    n, c, o = draw(st.integers(0, 2)), draw(st.integers(0, 3)), draw(st.integers(0, 3))
    groups = draw(st.sampled_from([1, 2]))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    size = tuple(draw(st.integers(0, 5)) for _ in range(ndim))
    stride, padding = draw(st.integers(1, 2)), draw(st.integers(0, 2))
    x = np.random.default_rng(0).standard_normal((n, c * groups if c else 0, *size))
    first, second = (c * groups, o) if transposed else (o * groups, c)
    w = np.random.default_rng(1).standard_normal((first, second, *kernel))
    return ndim, x, w, stride, padding, groups


@settings(max_examples=300, deadline=None)
@given(case=conv_case())
def test_conv_degenerate_shapes(case):
    ndim, x, w, stride, padding, groups = case
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[ndim]
    ours = {1: cf.conv1d, 2: cf.conv2d, 3: cf.conv3d}[ndim]
    ref = _run_torch(lambda: conv(t(x), t(w), None, stride, padding, 1, groups))
    for method in ("auto", "gemm", "direct", "fft"):
        got = _run_ours(lambda m=method: ours(x, w, None, stride, padding, 1, groups, method=m))
        assert_same(got, ref)


@settings(max_examples=300, deadline=None)
@given(case=conv_case(transposed=True))
def test_conv_transpose_degenerate_shapes(case):
    ndim, x, w, stride, padding, groups = case
    conv_t = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[ndim]
    ours = {1: cf.conv_transpose1d, 2: cf.conv_transpose2d, 3: cf.conv_transpose3d}[ndim]
    ref = _run_torch(lambda: conv_t(t(x), t(w), None, stride, padding, 0, groups))
    assert_same(_run_ours(lambda: ours(x, w, None, stride, padding, 0, groups)), ref)


@settings(max_examples=200, deadline=None)
@given(case=conv_case())
def test_gradients_degenerate_shapes(case):
    ndim, x, w, stride, padding, groups = case
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[ndim]
    y = _run_torch(lambda: conv(t(x), t(w), None, stride, padding, 1, groups))
    if y is None:
        return  # no forward, no gradient to compare
    g = np.random.default_rng(2).standard_normal(tuple(y.shape))
    grads = {
        "input": (getattr(G, f"conv{ndim}d_input"), getattr(cf, f"conv{ndim}d_input")),
        "weight": (getattr(G, f"conv{ndim}d_weight"), getattr(cf, f"conv{ndim}d_weight")),
    }
    ref = _run_torch(lambda: grads["input"][0](x.shape, t(w), t(g), stride, padding, 1, groups))
    got = _run_ours(lambda: grads["input"][1](x.shape, w, g, stride, padding, 1, groups))
    assert_same(got, ref)
    ref = _run_torch(lambda: grads["weight"][0](t(x), w.shape, t(g), stride, padding, 1, groups))
    got = _run_ours(lambda: grads["weight"][1](x, w.shape, g, stride, padding, 1, groups))
    assert_same(got, ref)
    bias = getattr(cf, f"conv{ndim}d_bias")(g)
    np.testing.assert_allclose(bias, g.sum(axis=(0, *range(2, g.ndim))))


@settings(max_examples=300, deadline=None)
@given(
    ndim=st.sampled_from(NDIMS),
    shape=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    size=st.lists(st.integers(0, 5), min_size=3, max_size=3),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    ceil_mode=st.booleans(),
)
def test_pool_degenerate_shapes(ndim, shape, size, kernel, stride, padding, ceil_mode):
    x = np.random.default_rng(3).standard_normal((*shape, *size[:ndim]))
    args = (kernel, stride, padding)
    max_t = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[ndim]
    avg_t = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[ndim]
    max_o = {1: cf.max_pool1d, 2: cf.max_pool2d, 3: cf.max_pool3d}[ndim]
    avg_o = {1: cf.avg_pool1d, 2: cf.avg_pool2d, 3: cf.avg_pool3d}[ndim]
    ref = _run_torch(lambda: max_t(t(x), *args, ceil_mode=ceil_mode, return_indices=True))
    got = _run_ours(lambda: max_o(x, *args, ceil_mode=ceil_mode, return_indices=True))
    assert_same(got, ref)
    ref = _run_torch(lambda: avg_t(t(x), *args, ceil_mode=ceil_mode))
    if ndim == 3 and ref is None and min(size[:3]) < kernel:
        return  # torch's avg_pool3d alone refuses unpadded inputs smaller than the kernel
    assert_same(_run_ours(lambda: avg_o(x, *args, ceil_mode=ceil_mode)), ref)


@settings(max_examples=200, deadline=None)
@given(
    shape=st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 5), st.integers(0, 5)),
    kernel=st.integers(1, 3),
    padding=st.integers(0, 1),
    stride=st.integers(1, 2),
)
def test_unfold_degenerate_shapes(shape, kernel, padding, stride):
    x = np.random.default_rng(4).standard_normal(shape)
    ref = _run_torch(lambda: F.unfold(t(x), kernel, 1, padding, stride))
    assert_same(_run_ours(lambda: cf.unfold(x, kernel, 1, padding, stride)), ref)


@pytest.mark.parametrize("ndim", NDIMS)
def test_empty_batch_of_every_conv(ndim):
    """The issue's example and its siblings: torch returns the empty result of the right shape."""
    x = np.zeros((0, 3, *(4,) * ndim))
    w = np.zeros((3, 3, *(3,) * ndim))
    conv = getattr(cf, f"conv{ndim}d")
    for method in ("direct", "gemm", "auto"):
        assert conv(x, w, stride=2, method=method).shape == (0, 3, *(1,) * ndim)
    conv_t = getattr(cf, f"conv_transpose{ndim}d")
    assert conv_t(x, w, stride=2).shape == (0, 3, *(9,) * ndim)


@settings(max_examples=300, deadline=None)
@given(
    shape=st.lists(st.integers(0, 3), min_size=1, max_size=3),
    data=st.data(),
    mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]),
)
def test_pad_degenerate_shapes(shape, data, mode):
    """Empty axes, crops to nothing and every mode against torch (with the batch axes torch's
    non-constant modes need); where torch reads uninitialised memory (circular, crops under
    the padding) convolab refuses."""
    axes = data.draw(st.integers(1, len(shape)))
    widths = tuple(data.draw(st.integers(-3, 3)) for _ in range(2 * axes))
    if mode != "constant" and 0 in shape[: len(shape) - axes]:
        return  # torch's non-constant modes refuse empty unpadded axes; numpy's shapes rule
    x = np.arange(float(np.prod(shape))).reshape(shape) + 1
    lead = (1,) * (mode != "constant") * (2 + axes - len(shape) if len(shape) < 2 + axes else 0)
    ref = _run_torch(lambda: F.pad(t(x.reshape(lead + x.shape)), widths, mode=mode))
    ours = _run_ours(lambda: cf.pad(x, widths, mode=mode))
    if ref is not None and ours is None and mode == "circular":
        return  # torch's uninitialised reads (checked in test_torch_conformance)
    if ref is None and ours is not None and ours.size == 0 and mode == "reflect":
        return  # torch's 1-D reflection pad refuses the empty result its 2-D and 3-D return
    if ref is not None and ours is not None:
        ref = ref.reshape(ours.shape) if ref.numel() == ours.size else ref
    if ref is not None and ours is not None and ref.numel() and not np.isin(ref, x).all():
        return  # torch's circular garbage again
    assert_same(ours, ref)


@pytest.mark.parametrize(("a", "v"), [([], [1.0, 2.0]), ([1.0, 2.0], []), ([], [])])
def test_convolve_refuses_empty_operands_as_numpy(a, v):
    with pytest.raises(ValueError, match="cannot be empty"):
        np.convolve(a, v)
    with pytest.raises(ValueError, match=r"must be a non-empty array, got shape \(0,\)"):
        cf.convolve(a, v)


def test_bias_gradient_of_an_empty_batch_is_zero():
    np.testing.assert_array_equal(cf.conv2d_bias(np.zeros((0, 3, 2, 2))), np.zeros(3))
