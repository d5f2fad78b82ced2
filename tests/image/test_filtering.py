"""filter_image against scipy.ndimage: every kernel, mode, method, layout and dtype."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st

from convolab.functional._cost import choose_plane_method
from convolab.functional._planes import plane_counts
from convolab.image import (
    METHODS,
    MODES,
    apply_kernel,
    correlate_image,
    filter_image,
    get_kernel,
    get_kernel_pair,
    kernel_info,
    list_kernels,
)

RNG = np.random.default_rng(20261124)
LINEAR = [n for n in list_kernels() if not kernel_info(n).is_pair]


def reference(image, kernel, mode="reflect", cval=0.0, convolve=False):
    """scipy.ndimage on each colour channel in float64 (the image's own values)."""
    fn = ndi.convolve if convolve else ndi.correlate
    x = np.asarray(image, dtype=np.float64)
    if x.ndim == 2:
        return fn(x, kernel, mode=mode, cval=cval)
    return np.stack([fn(x[..., c], kernel, mode=mode, cval=cval) for c in range(x.shape[2])], -1)


def rounded(ref, dtype):
    return np.clip(np.rint(ref), 0, np.iinfo(dtype).max).astype(dtype)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", LINEAR)
def test_every_kernel_and_mode_matches_scipy(name, mode):
    image = RNG.random((29, 41))
    kernel = get_kernel(name)
    for convolve in (False, True):
        got = filter_image(image, kernel, mode, cval=0.25, convolve=convolve)
        want = reference(image, kernel, mode, 0.25, convolve)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", LINEAR)
def test_uint8_is_the_reference_rounded_and_saturated(name, mode):
    image = RNG.integers(0, 256, (23, 31, 3), dtype=np.uint8)
    kernel = get_kernel(name)
    got = filter_image(image, kernel, mode, cval=17)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, rounded(reference(image, kernel, mode, 17), np.uint8))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (4, 3), (1, 6), (6, 1), (8, 8), (5, 9)])
def test_any_shape_even_sizes_included_matches_scipy_with_origin_0(shape, method):
    # even sizes: the anchor is K[kh // 2, kw // 2], scipy's origin=0 (OpenCV's anchor -1)
    image = RNG.random((17, 14))
    kernel = RNG.standard_normal(shape)
    for mode in MODES:
        for convolve in (False, True):
            got = filter_image(image, kernel, mode, 0.5, convolve=convolve, method=method)
            np.testing.assert_allclose(
                got, reference(image, kernel, mode, 0.5, convolve), atol=1e-10
            )


def test_even_kernel_anchor_by_hand():
    image = np.zeros((6, 6))
    image[2, 3] = 1.0
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])  # anchor K[1, 1] = 4 sits on the pixel
    got = filter_image(image, kernel, "constant")  # correlating an impulse: the kernel flipped
    np.testing.assert_allclose(got[2:4, 3:5], [[4.0, 3.0], [2.0, 1.0]], atol=1e-12)
    conv = filter_image(image, kernel, "constant", convolve=True)  # the kernel itself
    np.testing.assert_allclose(conv[1:3, 2:4], kernel, atol=1e-12)
    assert got.sum() == pytest.approx(10.0) and conv.sum() == pytest.approx(10.0)


@pytest.mark.parametrize("mode", MODES)
def test_kernels_larger_than_the_image_extend_like_scipy(mode):
    image = RNG.random((5, 3))
    for shape in [(13, 2), (4, 11), (17, 17)]:
        kernel = RNG.random(shape)
        for convolve in (False, True):
            got = filter_image(image, kernel, mode, 0.5, convolve=convolve, method="direct")
            np.testing.assert_allclose(
                got, reference(image, kernel, mode, 0.5, convolve), atol=1e-10
            )
    single = RNG.random((1, 7))  # one row: every periodic extension repeats it
    np.testing.assert_allclose(
        filter_image(single, np.ones((5, 5)), mode),
        reference(single, np.ones((5, 5)), mode),
        atol=1e-10,
    )


@pytest.mark.parametrize("method", METHODS)
def test_each_method_agrees_with_scipy(method):
    image = RNG.random((70, 65, 3))
    kernel = get_kernel("gaussian_blur", size=9, sigma=2.0)
    got = filter_image(image, kernel, "mirror", method=method)
    np.testing.assert_allclose(got, reference(image, kernel, "mirror"), atol=1e-10)


def test_auto_picks_taps_for_small_products_for_mid_fft_for_large():
    image = RNG.random((256, 256))

    def pick(kernel, separable):
        padded = (256 + kernel.shape[0] - 1, 256 + kernel.shape[1] - 1)
        return choose_plane_method(plane_counts(kernel, padded, separable), 256 * 256)

    assert pick(get_kernel("sharpen"), False) == "direct"
    assert pick(get_kernel("blur", size=31, sigma=5), True) == "banded"
    assert pick(RNG.random((31, 31)), False) == "fft"
    assert filter_image(image, get_kernel("sharpen")).shape == image.shape


@given(
    h=st.integers(1, 24),
    w=st.integers(1, 24),
    kh=st.integers(1, 15),  # at times wider than the image: every border path
    kw=st.integers(1, 15),
    mode=st.sampled_from(MODES),
    convolve=st.booleans(),
    rank1=st.booleans(),
    method=st.sampled_from(METHODS),
    seed=st.integers(0, 2**32 - 1),
)
def test_hypothesis_random_kernels_sizes_modes(h, w, kh, kw, mode, convolve, rank1, method, seed):
    rng = np.random.default_rng(seed)
    image = rng.random((h, w))
    kernel = (
        np.outer(rng.standard_normal(kh), rng.standard_normal(kw))
        if rank1
        else rng.standard_normal((kh, kw))
    )
    got = filter_image(image, kernel, mode, 0.3, convolve=convolve, method=method)
    np.testing.assert_allclose(got, reference(image, kernel, mode, 0.3, convolve), atol=1e-10)


@given(
    seed=st.integers(0, 2**32 - 1), size=st.sampled_from([1, 2, 4, 8]), mode=st.sampled_from(MODES)
)
def test_hypothesis_uint16_box_ties_round_half_to_even(seed, size, mode):
    # box means of integers hit exact .5 ties; with dyadic weights (1/4, 1/16, ...) every sum
    # is exact, so the ties must round exactly as scipy's (half to even), whatever the order
    image = np.random.default_rng(seed).integers(0, 65536, (15, 12), dtype=np.uint16)
    kernel = get_kernel("box_blur", size=size)
    want = rounded(reference(image, kernel, mode), np.uint16)
    np.testing.assert_array_equal(filter_image(image, kernel, mode), want)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["gaussian_blur", "box_blur", "unsharp_mask", "motion_blur"])
def test_uint8_exact_on_a_larger_photo_like_image_with_every_method(name, method):
    # uint8 is computed in float32 when cheap; outputs near an x.5 tie are redone in float64
    image = RNG.integers(0, 256, (96, 80, 3), dtype=np.uint8)
    kernel = get_kernel(name) if name != "box_blur" else get_kernel(name, size=4)
    got = filter_image(image, kernel, "mirror", method=method)
    np.testing.assert_array_equal(got, rounded(reference(image, kernel, "mirror"), np.uint8))


def test_fft_rounds_integer_ties_exactly():
    # 2x2 of 0.25 (full rank once one weight changes sign) puts many outputs exactly on x.5
    image = RNG.integers(0, 256, (40, 40), dtype=np.uint8)
    kernel = np.array([[0.25, 0.25], [0.25, -0.25]])
    for method in ("fft", "direct", "banded"):
        got = filter_image(image, kernel, "wrap", method=method)
        np.testing.assert_array_equal(got, rounded(reference(image, kernel, "wrap"), np.uint8))


def test_gray_rgb_rgba_and_alpha_untouched():
    kernel = get_kernel("sharpen")
    rgba = RNG.integers(0, 256, (20, 18, 4), dtype=np.uint8)
    got = filter_image(rgba, kernel)
    np.testing.assert_array_equal(got[..., 3], rgba[..., 3])
    np.testing.assert_array_equal(got[..., :3], rounded(reference(rgba[..., :3], kernel), np.uint8))
    gray_alpha = rgba[..., :2]
    np.testing.assert_array_equal(filter_image(gray_alpha, kernel)[..., 1], gray_alpha[..., 1])
    one = rgba[..., :1]
    assert filter_image(one, kernel).shape == (20, 18, 1)
    np.testing.assert_array_equal(
        filter_image(one, kernel)[..., 0], filter_image(one[..., 0], kernel)
    )


def test_saturation_never_wraps_around():
    image = np.array([[0, 255, 0], [255, 0, 255], [0, 255, 0]], dtype=np.uint8)
    got = filter_image(image, get_kernel("sharpen", amount=3.0))
    assert got[1, 1] == 0 and got[0, 1] == 255  # -ve -> 0 and > 255 -> 255, not mod 256
    big = np.full((4, 4), 60000, dtype=np.uint16)
    assert filter_image(big, 2 * get_kernel("identity")).max() == 65535


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_preserved(dtype):
    image = RNG.random((16, 16, 3)).astype(dtype)
    kernel = get_kernel("gaussian_blur", sigma=1.5)
    got = filter_image(image, kernel, "nearest")
    assert got.dtype == dtype
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(got, reference(image, kernel, "nearest"), atol=tol)


def test_views_and_byte_orders():
    image = RNG.integers(0, 65536, (30, 20, 3), dtype=np.uint16)
    kernel = get_kernel("box_blur", size=2)
    want = filter_image(np.ascontiguousarray(image.transpose(1, 0, 2)[::2]), kernel)
    np.testing.assert_array_equal(filter_image(image.transpose(1, 0, 2)[::2], kernel), want)
    swapped = image.astype(">u2")
    got = filter_image(swapped, kernel)
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, filter_image(image, kernel))


def test_nan_propagates_in_float_images():
    image = RNG.random((9, 9))
    image[4, 4] = np.nan
    got = filter_image(image, get_kernel("box_blur"), method="direct")
    assert np.isnan(got[3:6, 3:6]).all() and not np.isnan(got[0, 0])


def test_edge_magnitude_is_hypot_of_the_pair():
    image = RNG.random((25, 30, 3))
    gx, gy = get_kernel_pair("edges")
    want = np.hypot(reference(image, gx), reference(image, gy))
    np.testing.assert_allclose(apply_kernel(image, "edges"), want, atol=1e-10)
    u8 = RNG.integers(0, 256, (25, 30), dtype=np.uint8)
    want8 = rounded(np.hypot(reference(u8, gx), reference(u8, gy)), np.uint8)
    np.testing.assert_array_equal(apply_kernel(u8, "sobel"), want8)


def test_apply_kernel_by_name_equals_filter_image():
    image = RNG.random((12, 12))
    np.testing.assert_array_equal(
        apply_kernel(image, "blur", "wrap", sigma=0.8),
        filter_image(image, get_kernel("blur", sigma=0.8), "wrap"),
    )


def test_correlate_image_keeps_the_unrounded_response():
    image = np.full((5, 5), 10, dtype=np.uint8)
    response = correlate_image(image, get_kernel("sobel_x") / 7)
    assert response.dtype == np.float64 and np.abs(response).max() < 1e-12


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "error", "match"),
    [
        (np.zeros((4, 4)), np.zeros((0, 3)), {}, ValueError, r"non-empty 2-D array, got shape"),
        (np.zeros((4, 4)), np.ones(3), {}, ValueError, r"kernel must be a non-empty 2-D array"),
        (np.zeros((4, 4)), np.ones((3, 3, 1)), {}, ValueError, r"got shape \(3, 3, 1\)"),
        (np.zeros((4, 4)), [[np.inf]], {}, ValueError, "kernel must be finite"),
        (np.zeros((4, 4)), [["a"]], {}, TypeError, "real numeric 2-D array"),
        (np.zeros((4, 4), np.int32), np.ones((3, 3)), {}, TypeError, "uint8, uint16 or float"),
        (np.zeros((4, 4, 5)), np.ones((3, 3)), {}, ValueError, r"got shape \(4, 4, 5\)"),
        (np.zeros((0, 4)), np.ones((3, 3)), {}, ValueError, "non-empty"),
        (np.zeros(4), np.ones((3, 3)), {}, ValueError, r"image must be a non-empty"),
        (
            np.zeros((4, 4)),
            np.ones((3, 3)),
            {"mode": "same"},
            ValueError,
            "mode must be one of 'reflect', 'constant'",
        ),
        (np.zeros((4, 4)), np.ones((3, 3)), {"method": "gemm"}, ValueError, "method must be"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"cval": "x"}, TypeError, "cval must be"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"cval": np.nan}, ValueError, "cval must be"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"convolve": "yes"}, TypeError, "convolve must"),
    ],
)
def test_bad_input_messages(image, kernel, kwargs, error, match):
    with pytest.raises(error, match=match):
        filter_image(image, kernel, **kwargs)
