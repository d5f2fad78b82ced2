"""The kernel bank: registry, matrices against closed forms, parameters and errors."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
import scipy.ndimage as ndi

from convolab import InvalidTypeError, InvalidValueError
from convolab.image import (
    ALIASES,
    get_kernel,
    get_kernel_pair,
    kernel_info,
    list_kernels,
)
from convolab.image._kernels import MAX_AMOUNT, MAX_SIGMA, MAX_SIZE, RANGES

REQUIRED = {
    "identity",
    "box_blur",
    "gaussian_blur",
    "sharpen",
    "unsharp_mask",
    "laplacian4",
    "laplacian8",
    "sobel_x",
    "sobel_y",
    "prewitt_x",
    "prewitt_y",
    "scharr_x",
    "scharr_y",
    "edge_magnitude",
    "emboss",
    "outline",
    "motion_blur",
}
LINEAR = [n for n in list_kernels() if not kernel_info(n).is_pair]


def test_bank_holds_the_issue_list_and_aliases_resolve():
    assert set(list_kernels()) >= REQUIRED
    assert set(list_kernels(aliases=True)) == set(list_kernels()) | set(ALIASES)
    for alias, target in ALIASES.items():
        assert kernel_info(alias).name == target
    assert kernel_info("blur").name == "gaussian_blur"
    assert kernel_info("edges").name == "edge_magnitude"


@pytest.mark.parametrize("name", list_kernels())
def test_every_entry_is_documented_and_builds(name):
    info = kernel_info(name)
    assert info.summary and info.build.__doc__
    assert info.response in ("image", "signed", "magnitude")
    assert name in repr(info)
    kernels = get_kernel_pair(name) if info.is_pair else (get_kernel(name),)
    for k in kernels:
        assert k.ndim == 2 and k.dtype == np.float64 and np.all(np.isfinite(k))
        # 'image' kernels keep brightness (sum 1); derivative kernels ignore it (sum 0)
        assert k.sum() == pytest.approx(1.0 if info.response == "image" else 0.0, abs=1e-12)


def test_closed_forms():
    np.testing.assert_array_equal(get_kernel("sobel_x"), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(get_kernel("sobel_y"), get_kernel("sobel_x").T)
    np.testing.assert_array_equal(get_kernel("scharr_x")[:, 2], [3, 10, 3])
    np.testing.assert_array_equal(get_kernel("prewitt_y"), [[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(get_kernel("sharpen"), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(get_kernel("laplacian"), [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(get_kernel("outline"), -get_kernel("laplacian8"))
    np.testing.assert_array_equal(
        get_kernel("identity", size=5), np.eye(5)[2][:, None] * np.eye(5)[2]
    )
    np.testing.assert_allclose(get_kernel("box", size=4), np.full((4, 4), 1 / 16))


def test_gaussian_matches_scipy_gaussian_filter_weights():
    # scipy's gaussian_filter with radius r uses the same normalised exp(-t^2 / 2 sigma^2)
    sigma, size = 1.7, 11
    impulse = np.zeros((21, 21))
    impulse[10, 10] = 1.0
    ref = ndi.gaussian_filter(impulse, sigma, radius=size // 2)[5:16, 5:16]
    np.testing.assert_allclose(get_kernel("gaussian_blur", size=size, sigma=sigma), ref, atol=1e-15)
    assert get_kernel("blur", sigma=2.0).shape == (13, 13)  # 2 ceil(3 sigma) + 1


def test_unsharp_mask_is_image_plus_amount_times_detail():
    g = get_kernel("gaussian_blur", size=5, sigma=1.0)
    delta = get_kernel("identity", size=5)
    np.testing.assert_allclose(
        get_kernel("unsharp", size=5, amount=0.7), delta + 0.7 * (delta - g), atol=1e-15
    )


@pytest.mark.parametrize(("angle", "expected"), [(0, "row"), (90, "column"), (45, "antidiag")])
def test_motion_blur_lies_along_its_angle(angle, expected):
    k = get_kernel("motion_blur", length=7, angle=angle)
    assert k.shape == (7, 7) and k.sum() == pytest.approx(1.0)
    line = {"row": k[3, :], "column": k[:, 3], "antidiag": np.fliplr(k).diagonal()}[expected]
    # counter-clockwise: 45 deg goes up-right; a 7-pixel line spans +-3 px along itself
    assert line.sum() > 0.6 and np.all(line[1:-1] > 0)
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-15)  # symmetric about the anchor


def test_edge_magnitude_is_a_pair():
    gx, gy = get_kernel_pair("edges", operator="scharr")
    np.testing.assert_array_equal(gx, get_kernel("scharr_x"))
    np.testing.assert_array_equal(gy, get_kernel("scharr_y"))
    with pytest.raises(ValueError, match="x/y pair"):
        get_kernel("edges")
    with pytest.raises(ValueError, match="not an x/y pair"):
        get_kernel_pair("sobel_x")


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"did you mean.*sharpen"):
        get_kernel("sharpn")
    with pytest.raises(ValueError, match=r"got 'zzz'$"):
        get_kernel("zzz")
    with pytest.raises(TypeError, match="kernel must be a kernel name"):
        get_kernel(3)


def test_parameter_errors_name_the_argument():
    with pytest.raises(InvalidTypeError, match="'sharpen' accepts amount, got sigma"):
        get_kernel("sharpen", sigma=2)
    with pytest.raises(
        InvalidValueError, match="sigma must be a number > 0 and at most 50, got -1"
    ):
        get_kernel("blur", sigma=-1)
    with pytest.raises(InvalidValueError, match="size must be an int from 1 to 301, got 0"):
        get_kernel("box", size=0)
    with pytest.raises(InvalidTypeError, match=r"length must be an int from 1 to 301, got 2\.5"):
        get_kernel("motion", length=2.5)
    with pytest.raises(InvalidValueError, match="operator must be one of"):
        get_kernel_pair("edges", operator="canny")


# Values just outside each parameter's range, and the largest/smallest ones inside it.
OUTSIDE = {
    "size": [0, -3, MAX_SIZE + 1, 100_000],
    "length": [0, MAX_SIZE + 1, 100_000, 10**12],
    "sigma": [0.0, -1.0, MAX_SIGMA * 1.001, 1e9, math.inf, math.nan],
    "amount": [-MAX_AMOUNT - 0.5, MAX_AMOUNT + 0.5, math.inf, math.nan],
    "angle": [math.inf, -math.inf, math.nan],
    "operator": ["canny", ""],
}
INSIDE = {
    "size": [1, MAX_SIZE],
    "length": [1, MAX_SIZE],
    "sigma": [1e-3, MAX_SIGMA],
    "amount": [-MAX_AMOUNT, 0.0, MAX_AMOUNT],
    "angle": [-720.0, 33.3, 1e6],
    "operator": ["sobel", "scharr"],
}
PARAMETERS = [(name, p) for name in list_kernels() for p in kernel_info(name).params]


def _build(name, **params):
    info = kernel_info(name)
    return get_kernel_pair(name, **params) if info.is_pair else (get_kernel(name, **params),)


def test_every_parameter_has_a_documented_range():
    assert {p for _, p in PARAMETERS} == set(RANGES) == set(OUTSIDE) == set(INSIDE)
    for name, p in PARAMETERS:
        assert kernel_info(name).ranges[p] == RANGES[p]
        # the builder's docstring states the range (the bounds at least)
        bounds = {"size": "301", "length": "301", "sigma": "50", "amount": "100"}.get(p, "")
        assert p in kernel_info(name).build.__doc__ and bounds in kernel_info(name).build.__doc__


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
def test_values_outside_the_range_are_refused_before_any_allocation(name, param):
    for value in OUTSIDE[param]:
        tracemalloc.start()
        try:
            with pytest.raises(InvalidValueError) as caught:
                _build(name, **{param: value})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert str(caught.value) == f"{param} must be {RANGES[param]}, got {value!r}"
        assert peak < 100_000  # bytes: refused before any array was made


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
def test_values_inside_the_range_build(name, param):
    for value in INSIDE[param]:
        for k in _build(name, **{param: value}):
            assert np.all(np.isfinite(k)) and max(k.shape) <= MAX_SIZE
    assert get_kernel("motion_blur", length=MAX_SIZE).shape == (MAX_SIZE, MAX_SIZE)
    assert get_kernel("gaussian_blur", sigma=MAX_SIGMA).shape == (MAX_SIZE, MAX_SIZE)
