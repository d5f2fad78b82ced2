"""method='toeplitz' (one product with banded weight matrices) against torch, and its limits."""

from __future__ import annotations

import numpy as np
import pytest
from functional_torch_ref import assert_close, random_conv_case, torch_conv
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conv import CONV, FORMS, MODES, padding_of, reflect_ok

import convolab.functional as cf
from convolab.functional import _cost
from convolab.functional._toeplitz import _axes, _band_matrices
from convolab.shape import conv_geometry


@settings(max_examples=150, deadline=None)
@given(
    ndim=st.integers(1, 2),
    seed=st.integers(0, 2**32 - 1),
    form=st.sampled_from(FORMS),
    mode=st.sampled_from(MODES),
    dtype=st.sampled_from([np.float32, np.float64]),
    batched=st.booleans(),
)
def test_equals_torch(ndim, seed, form, mode, dtype, batched):
    """Stride, dilation, groups, every padding form and mode, both dtypes, unbatched."""
    rng = np.random.default_rng(seed)
    x, w, b, stride, dilation, groups = random_conv_case(rng, ndim, batch=None if batched else ())
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    padding = padding_of(form, rng, ndim, w.shape[2:], x.shape[-ndim:])
    if form == "same":
        stride = 1
    if mode == "reflect" and not reflect_ok(padding, x, w, stride, dilation):
        padding = "valid"
    ours = CONV[ndim](x, w, b, stride, padding, dilation, groups, padding_mode=mode,
                      method="toeplitz")  # fmt: skip
    assert_close(ours, torch_conv(x, w, b, stride, padding, dilation, groups, mode), dtype)


def test_the_band_matrix_is_the_weight_on_its_diagonals():
    """T[(c, i*dh, j*dw + q*sw), (o, q)] = weight[o, c, i, j], zero elsewhere (written out
    with loops here)."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 3, 2, 3))  # 2 groups: O = 4, Cg = 3
    geometry = conv_geometry((9, 11), (2, 3), (1, 2), 0, (2, 1), ndim=2)
    axes = _axes(geometry)
    bands = _band_matrices(w, axes, 2)
    _, span, _, dh, ow, sw, dw, width = axes
    expected = np.zeros((2, 3, span, width, 2, ow))
    for o in range(4):
        for c in range(3):
            for i in range(2):
                for j in range(3):
                    for q in range(ow):
                        expected[o // 2, c, i * dh, j * dw + q * sw, o % 2, q] = w[o, c, i, j]
    np.testing.assert_array_equal(bands, expected.reshape(bands.shape))


def test_chunks_under_the_budget_equal_one_pass():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 12, 12))
    w = rng.standard_normal((4, 2, 3, 3))
    whole = cf.conv2d(x, w, padding=1, method="toeplitz")
    with cf.memory_budget(40_000):  # the band matrices (27 KiB) fit, a sample's rows do not
        chunked = cf.conv2d(x, w, padding=1, method="toeplitz")
    assert_close(chunked, whole)
    assert_close(whole, torch_conv(x, w, None, 1, 1, 1, 1))


@pytest.mark.parametrize(
    "view",
    [
        lambda x: x[:, :, ::-1],  # rows flipped
        lambda x: x[..., ::-1],  # columns flipped
        lambda x: np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))[..., 2:-2, 2:-2],  # a crop
        lambda x: np.ascontiguousarray(x.swapaxes(2, 3)).swapaxes(2, 3),  # columns outermost
        lambda x: np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2),  # NHWC
    ],
)
def test_any_strided_view_of_the_input(view):
    """The rows are read as runs of whole image rows: a view that is not one is copied."""
    rng = np.random.default_rng(2)
    x = view(rng.standard_normal((4, 2, 16, 16)).astype(np.float32))
    w = rng.standard_normal((3, 2, 5, 5)).astype(np.float32)
    ours = cf.conv2d(x, w, method="toeplitz")
    assert_close(ours, torch_conv(np.ascontiguousarray(x), w, None, 1, 0, 1, 1), np.float32)


@pytest.fixture
def two_cpus(monkeypatch):
    """The cost model's choice depends on the CPUs; these cases are for two."""
    monkeypatch.setattr(_cost, "workers", lambda: 2)


def test_lenet_layers_choose_it(two_cpus):
    """The narrow, thin layers it is for (measured in benchmarks/conv_suite.py: 1.6x
    faster than im2col on one thread), not a wide map."""
    assert cf.auto_method((64, 1, 32, 32), (6, 1, 5, 5)) == "toeplitz"
    assert cf.auto_method((64, 6, 14, 14), (16, 6, 5, 5)) == "toeplitz"
    assert cf.auto_method((8, 64, 56, 56), (64, 64, 3, 3)) != "toeplitz"


@pytest.mark.parametrize(
    "x_shape, w_shape, padding",
    [
        ((1, 1, 1000), (1, 1, 100), 0),  # a long signal: a matrix-vector product, 12x slower
        ((1, 1, 563), (1, 1, 64), 0),  # convolve(500 samples, 64 taps, 'same')
        ((8, 1, 256), (1, 1, 16), 0),
        ((1, 1, 256, 256), (1, 1, 5, 5), 2),  # a single-channel image: 1.5x slower
        ((1, 1, 128, 128), (1, 1, 5, 5), 2),
    ],
)
def test_wide_maps_and_long_signals_do_not(two_cpus, x_shape, w_shape, padding):
    """Where the band's zeros are most of the work (measured slower than im2col)."""
    assert cf.auto_method(x_shape, w_shape, padding=padding) != "toeplitz"


def test_auto_avoids_it_on_non_finite_data():
    """A band's zeros times Inf are NaN: 'auto' keeps NaN and Inf where torch has them."""
    x = np.zeros((64, 1, 32, 32), np.float32)
    x[0, 0, 3, 3] = np.inf
    w = np.ones((6, 1, 5, 5), np.float32)
    ref = torch_conv(x, w, None, 1, 0, 1, 1).numpy()
    ours = cf.conv2d(x, w)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_array_equal(ours, ref)


def test_refusals():
    with pytest.raises(ValueError, match=r"'toeplitz' only for 1-D and 2-D layers .* 3-D"):
        cf.conv3d(np.ones((1, 1, 4, 4, 4)), np.ones((1, 1, 2, 2, 2)), method="toeplitz")
    with cf.memory_budget(1024), pytest.raises(ValueError, match="fit the memory budget"):
        cf.conv2d(np.ones((1, 4, 20, 20)), np.ones((8, 4, 3, 3)), method="toeplitz")
