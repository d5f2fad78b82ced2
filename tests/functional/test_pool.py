"""max_pool*d and avg_pool*d against torch: ceil_mode, padding, dilation, divisors."""

from __future__ import annotations

import numpy as np
import pytest
import torch.nn.functional as F
from functional_torch_ref import assert_close, t
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf

OURS_MAX = {1: cf.max_pool1d, 2: cf.max_pool2d, 3: cf.max_pool3d}
OURS_AVG = {1: cf.avg_pool1d, 2: cf.avg_pool2d, 3: cf.avg_pool3d}
TORCH_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
TORCH_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
@pytest.mark.parametrize("stride", [None, 1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_max_pool_grid(ndim, kernel, stride, padding, dilation, ceil_mode):
    x = np.random.default_rng(kernel).standard_normal((2, 2, *(7,) * ndim))
    ours = OURS_MAX[ndim](x, kernel, stride, padding, dilation, ceil_mode)
    ref = TORCH_MAX[ndim](t(x), kernel, stride, padding, dilation, ceil_mode)
    assert_close(ours, ref)


@pytest.mark.parametrize("include", [False, True])
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("padding", [0, 1])
@pytest.mark.parametrize("stride", [None, 1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_avg_pool_grid(ndim, kernel, stride, padding, ceil_mode, include):
    x = np.random.default_rng(kernel).standard_normal((2, 2, *(6,) * ndim))
    ours = OURS_AVG[ndim](x, kernel, stride, padding, ceil_mode, include)
    ref = TORCH_AVG[ndim](t(x), kernel, stride, padding, ceil_mode, include)
    assert_close(ours, ref)


@pytest.mark.parametrize("ndim", [2, 3])
def test_divisor_override(ndim):
    x = np.random.default_rng(0).standard_normal((1, 2, *(5,) * ndim))
    ours = OURS_AVG[ndim](x, 2, 2, 1, True, True, 3)
    assert_close(ours, TORCH_AVG[ndim](t(x), 2, 2, 1, True, True, 3))


@settings(max_examples=100, deadline=None)
@given(ndim=st.integers(1, 3), data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_pool_hypothesis(ndim, data, dtype):
    kernel = data.draw(st.tuples(*[st.integers(1, 3)] * ndim))
    stride = data.draw(st.tuples(*[st.integers(1, 3)] * ndim))
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    dilation = data.draw(st.tuples(*[st.integers(1, 2)] * ndim))
    size = tuple(d * (k - 1) + 1 + data.draw(st.integers(0, 4)) for k, d in zip(kernel, dilation))
    ceil_mode = data.draw(st.booleans())
    batched = data.draw(st.booleans())
    x = np.random.default_rng(1).standard_normal(((2,) if batched else ()) + (2, *size))
    x = x.astype(dtype)
    ours = OURS_MAX[ndim](x, kernel, stride, padding, dilation, ceil_mode)
    assert_close(ours, TORCH_MAX[ndim](t(x), kernel, stride, padding, dilation, ceil_mode), dtype)
    ours = OURS_AVG[ndim](x, kernel, stride, padding, ceil_mode, data.draw(st.booleans()))
    assert ours.shape == TORCH_AVG[ndim](t(x), kernel, stride, padding, ceil_mode).shape


def test_max_pool_propagates_nan():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 0] = np.nan
    out = cf.max_pool2d(x, 2)
    ref = F.max_pool2d(t(x), 2).numpy()
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
