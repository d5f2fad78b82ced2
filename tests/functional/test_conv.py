"""conv1d/2d/3d against torch: every padding form and mode, groups, stride, dilation, methods."""

from __future__ import annotations

import numpy as np
import pytest
from functional_torch_ref import assert_close, random_conv_case, seed_of, torch_conv
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf

CONV = {1: cf.conv1d, 2: cf.conv2d, 3: cf.conv3d}
MODES = ("zeros", "reflect", "replicate", "circular")
FORMS = ("int", "tuple", "pairs", "valid", "same")


def padding_of(form: str, rng, ndim: int, kernel, size):
    """A padding in ``form`` small enough for reflect padding of ``size``."""
    limit = max(min(min(size) - 1, 2), 0)
    if form == "int":
        return int(rng.integers(0, limit + 1))
    if form == "tuple":
        return tuple(int(v) for v in rng.integers(0, limit + 1, ndim))
    if form == "pairs":
        return tuple((int(a), int(b)) for a, b in rng.integers(0, limit + 1, (ndim, 2)))
    return form


def reflect_ok(padding, x, w, stride, dilation):
    """'same' may ask for more padding than reflect allows on tiny inputs: skip those."""
    from functional_torch_ref import explicit_pairs

    ndim = w.ndim - 2
    st_ = (stride,) * ndim if isinstance(stride, int) else stride
    dl = (dilation,) * ndim if isinstance(dilation, int) else dilation
    pairs = explicit_pairs(padding, x.shape[-ndim:], w.shape[2:], st_, dl)
    return all(max(p) < s for p, s in zip(pairs, x.shape[-ndim:]))


@pytest.mark.parametrize("method", ["gemm", "direct", "fft", "auto"])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_conv_grid(ndim, form, mode, stride, dilation, method):
    rng = np.random.default_rng(seed_of(ndim, form, mode, stride, dilation, method))
    x, w, b, _, dilation, groups = random_conv_case(rng, ndim, stride=stride, dilation=dilation)
    padding = padding_of(form, rng, ndim, w.shape[2:], x.shape[-ndim:])
    if mode == "reflect" and not reflect_ok(padding, x, w, stride, dilation):
        padding = "valid"
    ours = CONV[ndim](x, w, b, stride, padding, dilation, groups, padding_mode=mode, method=method)
    assert_close(ours, torch_conv(x, w, b, stride, padding, dilation, groups, mode))


@pytest.mark.parametrize("method", ["gemm", "direct", "fft", "auto"])
@pytest.mark.parametrize("even", [False, True])
@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_dtypes_batches_even_kernels(dtype, ndim, batched, even, method):
    rng = np.random.default_rng(ndim * 7 + batched + 2 * even)
    x, w, b, stride, dilation, groups = random_conv_case(
        rng, ndim, even=even, batch=None if batched else ()
    )
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    ours = CONV[ndim](x, w, b, stride, "same", dilation, groups, method=method)
    assert_close(ours, torch_conv(x, w, b, stride, "same", dilation, groups), dtype)


@pytest.mark.parametrize("groups", [1, 2, 4])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("method", ["winograd", "gemm", "auto"])
def test_three_tap_kernels_all_methods(method, ndim, form, groups):
    rng = np.random.default_rng(ndim + 10 * groups)
    x = rng.standard_normal((2, 4, *rng.integers(3, 8, ndim)))
    w = rng.standard_normal((4, 4 // groups, *(3,) * ndim))
    padding = padding_of(form, rng, ndim, w.shape[2:], x.shape[-ndim:])
    ours = CONV[ndim](x, w, None, 1, padding, 1, groups, method=method)
    assert_close(ours, torch_conv(x, w, None, 1, padding, 1, groups))


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("multiplier", [1, 2])
def test_depthwise(ndim, multiplier):
    rng = np.random.default_rng(ndim)
    x = rng.standard_normal((2, 3, *(6,) * ndim))
    w = rng.standard_normal((3 * multiplier, 1, *(3,) * ndim))
    for method in ("gemm", "direct", "fft", "winograd", "toeplitz")[: 5 if ndim < 3 else 4]:
        ours = CONV[ndim](x, w, None, 1, 1, 1, 3, method=method)
        assert_close(ours, torch_conv(x, w, None, 1, 1, 1, 3))


@settings(max_examples=150, deadline=None)
@given(
    ndim=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    form=st.sampled_from(FORMS),
    mode=st.sampled_from(MODES),
    method=st.sampled_from(["gemm", "direct", "fft", "auto"]),
    dtype=st.sampled_from([np.float32, np.float64]),
    batched=st.booleans(),
)
def test_conv_hypothesis(ndim, seed, form, mode, method, dtype, batched):
    rng = np.random.default_rng(seed)
    x, w, b, stride, dilation, groups = random_conv_case(rng, ndim, batch=None if batched else ())
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    padding = padding_of(form, rng, ndim, w.shape[2:], x.shape[-ndim:])
    if mode == "reflect" and not reflect_ok(padding, x, w, stride, dilation):
        padding = "valid"
    ours = CONV[ndim](x, w, b, stride, padding, dilation, groups, padding_mode=mode, method=method)
    assert_close(ours, torch_conv(x, w, b, stride, padding, dilation, groups, mode), dtype)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_, np.float16])
def test_other_real_dtypes_become_float64(dtype):
    x = np.ones((1, 1, 4, 4), dtype=dtype)
    w = np.ones((1, 1, 2, 2), dtype=dtype)
    out = cf.conv2d(x, w)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.full((1, 1, 3, 3), 4.0))


def test_mixed_precision_gives_float64():
    out = cf.conv1d(np.ones((1, 1, 4), np.float32), np.ones((1, 1, 2)))
    assert out.dtype == np.float64


def test_lists_are_accepted():
    np.testing.assert_array_equal(cf.conv1d([[1.0, 2.0, 3.0]], [[[1.0, 1.0]]]), [[3.0, 5.0]])


@pytest.mark.parametrize("method", ["gemm", "direct", "auto"])
def test_nan_and_inf_propagate_like_torch(method, recwarn):
    x = np.zeros((1, 1, 6, 6))
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 4, 4] = np.inf
    w = np.ones((1, 1, 3, 3))
    w[0, 0, 0, 0] = -1.0
    ours = cf.conv2d(x, w, padding=1, method=method)
    ref = torch_conv(x, w, None, 1, 1, 1, 1).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_array_equal(ours[np.isfinite(ref)], ref[np.isfinite(ref)])
    np.testing.assert_array_equal(ours[np.isinf(ref)], ref[np.isinf(ref)])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@settings(max_examples=60, deadline=None)
@given(
    ndim=st.integers(1, 3),
    size=st.integers(10, 21),
    channels=st.sampled_from([1, 3, 16]),
    groups=st.sampled_from([1, 2]),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_winograd_f43_tiles(ndim, size, channels, groups, dtype, seed):
    """Outputs of 8 cells a side and more run F(4, 3): float32 stays within the tolerance."""
    from convolab.functional._winograd import tile_size

    size = min(size, 12) if ndim == 3 else size
    assert tile_size((size - 2,) * ndim) == 4
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, channels * groups, *(size,) * ndim)).astype(dtype)
    w = rng.standard_normal((2 * groups, channels, *(3,) * ndim)).astype(dtype)
    b = rng.standard_normal(2 * groups).astype(dtype)
    ours = CONV[ndim](x, w, b, 1, 0, 1, groups, method="winograd")
    assert_close(ours, torch_conv(x, w, b, 1, 0, 1, groups), dtype)
