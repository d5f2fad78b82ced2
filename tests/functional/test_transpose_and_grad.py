"""conv_transpose*d and the gradients conv*d_input / _weight / _bias against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from functional_torch_ref import (
    CONV_T,
    assert_close,
    explicit_pairs,
    random_conv_case,
    seed_of,
    t,
    torch_conv,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf

CONV_TRANSPOSE = {1: cf.conv_transpose1d, 2: cf.conv_transpose2d, 3: cf.conv_transpose3d}
INPUT_GRAD = {1: cf.conv1d_input, 2: cf.conv2d_input, 3: cf.conv3d_input}
WEIGHT_GRAD = {1: cf.conv1d_weight, 2: cf.conv2d_weight, 3: cf.conv3d_weight}
BIAS_GRAD = {1: cf.conv1d_bias, 2: cf.conv2d_bias, 3: cf.conv3d_bias}
MODES = ("zeros", "reflect", "replicate", "circular")


def transpose_case(rng, ndim, stride, dilation, groups, output_padding, batched=True):
    cin, cout_g = groups * int(rng.integers(1, 3)), int(rng.integers(1, 3))
    kernel = tuple(int(v) for v in rng.integers(1, 5, ndim))
    x = rng.standard_normal(((2,) if batched else ()) + (cin, *rng.integers(1, 5, ndim)))
    w = rng.standard_normal((cin, cout_g, *kernel))
    b = rng.standard_normal(cout_g * groups)
    padding = tuple(int(rng.integers(0, (dilation * (k - 1)) // 2 + 1)) for k in kernel)
    return x, w, b, padding


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("output_padding", [0, 1])
@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_conv_transpose_matches_torch(ndim, stride, dilation, groups, output_padding, batched):
    if output_padding >= max(stride, dilation):
        pytest.skip("torch requires output_padding < max(stride, dilation)")
    rng = np.random.default_rng(seed_of(ndim, stride, dilation, groups, output_padding))
    x, w, b, padding = transpose_case(rng, ndim, stride, dilation, groups, output_padding, batched)
    ours = CONV_TRANSPOSE[ndim](x, w, b, stride, padding, output_padding, groups, dilation)
    ref = CONV_T[ndim](t(x), t(w), t(b), stride, padding, output_padding, groups, dilation)
    assert_close(ours, ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_transpose_keeps_float32(dtype):
    rng = np.random.default_rng(1)
    x, w, b, padding = transpose_case(rng, 2, 2, 1, 1, 1)
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    ours = cf.conv_transpose2d(x, w, b, 2, padding, 1)
    assert_close(ours, CONV_T[2](t(x), t(w), t(b), 2, padding, 1), dtype)


def torch_grads(x, w, b, stride, padding, dilation, groups, mode):
    xt, wt, bt = t(x).requires_grad_(), t(w).requires_grad_(), t(b).requires_grad_()
    out = torch_conv(xt.detach(), w, b, stride, padding, dilation, groups, mode)  # shape only
    g = torch.from_numpy(np.random.default_rng(5).standard_normal(tuple(out.shape)))
    from functional_torch_ref import CONV, torch_pad

    ndim = w.ndim - 2
    unbatched = xt.ndim == ndim + 1
    xb = xt[None] if unbatched else xt
    st_ = (stride,) * ndim if isinstance(stride, int) else stride
    dl = (dilation,) * ndim if isinstance(dilation, int) else dilation
    pairs = explicit_pairs(padding, xb.shape[2:], w.shape[2:], st_, dl)
    y = CONV[ndim](torch_pad(xb, pairs, mode), wt, bt, stride, 0, dilation, groups)
    y = y[0] if unbatched else y
    y.backward(g)
    return g.numpy(), xt.grad, wt.grad, bt.grad


def check_grads(x, w, b, stride, padding, dilation, groups, mode="zeros", dtype=np.float64):
    ndim = w.ndim - 2
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    g, dx, dw, db = torch_grads(x, w, b, stride, padding, dilation, groups, mode)
    g = g.astype(dtype)
    kw = {"padding_mode": mode}
    assert_close(
        INPUT_GRAD[ndim](x.shape, w, g, stride, padding, dilation, groups, **kw), dx, dtype
    )
    assert_close(
        WEIGHT_GRAD[ndim](x, w.shape, g, stride, padding, dilation, groups, **kw), dw, dtype
    )
    assert_close(BIAS_GRAD[ndim](g), db, dtype)


@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("form", ["int", "pairs", "same", "valid"])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_gradients_match_autograd(ndim, stride, form, mode, groups):
    rng = np.random.default_rng(seed_of(ndim, stride, form, mode, groups))
    x, w, b, _, dilation, groups = random_conv_case(rng, ndim, stride=stride, groups=groups)
    limit = min(min(x.shape[2:]) - 1, 2)
    padding = {"int": limit, "pairs": tuple((limit, 0) for _ in range(ndim))}.get(form, form)
    if form == "same" and mode == "reflect":
        dilation = 1
    check_grads(x, w, b, stride, padding, dilation, groups, mode)


@settings(max_examples=120, deadline=None)
@given(
    ndim=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([np.float32, np.float64]),
    batched=st.booleans(),
    padding=st.sampled_from([0, 1, "same", "valid"]),
)
def test_gradients_hypothesis(ndim, seed, dtype, batched, padding):
    rng = np.random.default_rng(seed)
    x, w, b, stride, dilation, groups = random_conv_case(rng, ndim, batch=None if batched else ())
    check_grads(x, w, b, stride, padding, dilation, groups, dtype=dtype)


@settings(max_examples=80, deadline=None)
@given(ndim=st.integers(1, 3), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_conv_transpose_hypothesis(ndim, seed, data):
    rng = np.random.default_rng(seed)
    stride = data.draw(st.integers(1, 3))
    dilation = data.draw(st.integers(1, 2))
    groups = data.draw(st.integers(1, 2))
    output_padding = data.draw(st.integers(0, max(stride, dilation) - 1))
    x, w, b, padding = transpose_case(rng, ndim, stride, dilation, groups, output_padding)
    ours = CONV_TRANSPOSE[ndim](x, w, b, stride, padding, output_padding, groups, dilation)
    ref = CONV_T[ndim](t(x), t(w), t(b), stride, padding, output_padding, groups, dilation)
    assert_close(ours, ref)
