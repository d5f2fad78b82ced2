"""Each of the GEMM forward's inner paths (wide columns, folded, per-sample, threaded
per-sample) is taken where it should be and equals torch, whatever picks it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from functional_torch_ref import assert_close, torch_conv
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf
from convolab.functional import _gemm


@pytest.fixture
def wide_calls(monkeypatch):
    """Counts the calls of the wide-column path."""
    calls = []
    original = _gemm._forward_wide

    def counting(*args):
        calls.append(args[0].shape)
        return original(*args)

    monkeypatch.setattr(_gemm, "_forward_wide", counting)
    return calls


def test_lenet_layers_take_the_wide_path(wide_calls):
    rng = np.random.default_rng(0)
    for x_shape, w_shape in (((64, 1, 32, 32), (6, 1, 5, 5)), ((64, 6, 14, 14), (16, 6, 5, 5))):
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        b = rng.standard_normal(w_shape[0]).astype(np.float32)
        ours = cf.conv2d(x, w, b, method="gemm")
        ref = torch.nn.functional.conv2d(*(torch.from_numpy(a) for a in (x, w, b))).numpy()
        np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    assert wide_calls == [(64, 1, 32, 32), (64, 6, 14, 14)]


@settings(max_examples=60, deadline=None)
@given(
    ndim=st.integers(1, 3),
    batch=st.integers(1, 3),
    groups=st.sampled_from([1, 2]),
    kernel=st.integers(1, 4),
    dilation=st.integers(1, 2),
    size=st.integers(8, 11),
    padding=st.integers(0, 2),
    bias=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_wide_path_equals_torch(ndim, batch, groups, kernel, dilation, size, padding, bias, seed):
    """Stride 1, any dims, groups, dilation, padding: the wide columns read past each row
    (into the next row, sample or the zero tail) only for the cells they drop."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 2 * groups, *(size,) * ndim))
    w = rng.standard_normal((3 * groups, 2, *(kernel,) * ndim))
    b = rng.standard_normal(3 * groups) if bias else None
    conv = (cf.conv1d, cf.conv2d, cf.conv3d)[ndim - 1]
    ours = conv(x, w, b, 1, padding, dilation, groups, method="gemm")
    assert_close(ours, torch_conv(x, w, b, 1, padding, dilation, groups))


def test_wide_path_keeps_nan_where_torch_has_it(wide_calls):
    x = np.zeros((2, 1, 6, 6))
    x[0, 0, 5, 5] = np.nan  # read by the dropped wide cells of the next sample's rows too
    w = np.ones((1, 1, 3, 3))
    ours = cf.conv2d(x, w, method="gemm")
    ref = torch_conv(x, w, None, 1, 0, 1, 1).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    assert wide_calls


def test_sample_over_the_budget_falls_back_to_row_chunks(wide_calls):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 16, 16))
    w = rng.standard_normal((4, 3, 3, 3))
    with cf.memory_budget(2048):  # smaller than one sample's wide columns
        ours = cf.conv2d(x, w, method="gemm")
    assert_close(ours, torch_conv(x, w, None, 1, 0, 1, 1))
    assert not wide_calls


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "stride"),
    [
        ((8, 3, 20, 20), (4, 3, 3, 3), 2),  # small, strided: threaded per-sample products
        ((2, 64, 13, 13), (256, 64, 3, 3), 1),  # few cells, big weight: one folded product
        ((2, 16, 40, 40), (32, 16, 3, 3), 1),  # large per-sample products
    ],
)
def test_other_paths_equal_torch(wide_calls, x_shape, w_shape, stride):
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    ours = cf.conv2d(x, w, b, stride, 1, method="gemm")
    assert_close(ours, torch_conv(x, w, b, stride, 1, 1, 1))
    assert not wide_calls


def test_wide_path_workspace_is_what_it_needs():
    """Input copy, columns (with the ones row) and product: nothing more."""
    import tracemalloc

    x = np.zeros((64, 1, 32, 32), np.float32)
    w, b = np.ones((6, 1, 5, 5), np.float32), np.ones(6, np.float32)
    cf.release_workspace()
    tracemalloc.start()
    out = cf.conv2d(x, w, b, method="gemm")
    peak = tracemalloc.get_traced_memory()[1] - out.nbytes
    tracemalloc.stop()
    cells = 64 * 28 * 32  # wide cells: 28 output rows of all 32 input columns
    need = (x.size + 4 + cells * (25 + 1 + 6)) * 4
    assert need <= peak <= need + 64 * 1024, (peak, need)
