"""Exact integer rounding: the error bounds really bound the float32 sums, cval included."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.functional._pad import SCIPY_MODES
from convolab.functional._planes import correlate_planes, plane_counts, separable_factors
from convolab.functional._source import PaddedSource
from convolab.image import filter_image, get_kernel
from convolab.image._filter import _channels, _precision, _saturates, anchor_padding
from convolab.image._ties import exact_sums, tie_free, tie_tolerance

RNG = np.random.default_rng(7)


def test_gamma_bound_by_hand():
    u = np.finfo(np.float32).eps / 2
    assert tie_tolerance(4, np.float32, 255, 1.0) == pytest.approx(6 * u / (1 - 6 * u) * 255)
    assert tie_tolerance(4, np.float64, 255, 2.0) < 1e-12


def test_exact_sums_only_for_dyadic_weights_within_the_mantissa():
    assert exact_sums([np.array([0.25, 0.5, 0.25])] * 2, np.float32, 255)
    assert not exact_sums([np.array([1 / 3] * 3)], np.float64, 255)
    assert not exact_sums([np.array([2.0**-12, 1.0])] * 2, np.float32, 65535)  # 2**40 > 2**23


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(1, 9),
    separable=st.booleans(),
    method=st.sampled_from(["direct", "banded"]),
    mode=st.sampled_from(["reflect", "constant"]),
)
def test_float32_error_stays_within_the_tolerance(seed, size, separable, method, mode):
    """The float32 response of a uint8 image is within the tie tolerance of the float64 sum,
    so every output the re-check skips is rounded as scipy rounds it."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (40, 33, 3), dtype=np.uint8)
    if separable:
        kernel = np.outer(rng.standard_normal(size), rng.standard_normal(size))
    else:
        kernel = rng.standard_normal((size, size))
    cval = 300.5 if mode == "constant" else 0.0
    pads = anchor_padding(kernel.shape)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(image.shape[:2], pads))
    factors = separable_factors(kernel)
    counts = plane_counts(kernel, padded, factors is not None)
    work, tol = _precision(image, kernel, method, factors, counts, padded, 255, mode, cval)
    response = np.empty(image.shape, dtype=work)
    source = PaddedSource(_channels(image), pads, SCIPY_MODES[mode], cval)
    correlate_planes(source, kernel, method, work, response, None, factors)
    planes = [image[..., c].astype(float) for c in range(3)]
    want = np.stack([ndi.correlate(p, kernel, mode=mode, cval=cval) for p in planes], -1)
    bound = 0.0 if tol is None else tol
    assert np.abs(response - want).max() <= bound + 1e-9 * np.abs(want).max()


@pytest.mark.parametrize("cval", [1000.0, -300.0, 0.5, 127.5])
@pytest.mark.parametrize("name", ["gaussian_blur", "box_blur", "sharpen"])
def test_uint8_constant_mode_with_cval_outside_the_pixel_range(name, cval):
    # cval beyond 0..255 widens the sums' range; a fractional one breaks exact dyadic sums
    image = RNG.integers(0, 256, (30, 26), dtype=np.uint8)
    kernel = get_kernel(name) if name != "box_blur" else get_kernel(name, size=4)
    for method in ("direct", "banded", "fft"):
        got = filter_image(image, kernel, "constant", cval, method=method)
        want = ndi.correlate(image.astype(float), kernel, mode="constant", cval=cval)
        np.testing.assert_array_equal(got, np.clip(np.rint(want), 0, 255).astype(np.uint8))


DECIMAL_TIES = [  # weights like 0.1 and 0.7 put many integer sums exactly on x.5 in decimal
    np.outer([1, 2, 1], [0.1, 0.7, 0.2]),
    np.array([[0.1, 0.2, 0.1], [0.2, 0.3, 0.1], [0.0, 0.1, -0.1]]),
    np.full((3, 3), 1 / 9),
    np.full((7, 7), 0.02),
]


@pytest.mark.parametrize("method", ["direct", "banded", "fft", "auto"])
@pytest.mark.parametrize("kernel", DECIMAL_TIES, ids=["rank1", "full", "box9", "box49"])
def test_decimal_ties_round_as_scipy_rounds_them(kernel, method):
    # the float64 sum lands just above or below the tie depending on the order of its terms;
    # re-decided outputs are summed in scipy's own order, so they round the same way
    image = np.random.default_rng(5).integers(0, 256, (61, 47, 3), dtype=np.uint8)
    for mode in ("reflect", "constant", "wrap"):
        got = filter_image(image, kernel, mode, 5, method=method)
        planes = [image[..., c].astype(float) for c in range(3)]
        want = np.stack([ndi.correlate(p, kernel, mode=mode, cval=5) for p in planes], -1)
        np.testing.assert_array_equal(got, np.clip(np.rint(want), 0, 255))


def test_odd_denominators_are_tie_free_and_others_are_not():
    box = [np.full((k, k), 1 / k**2) for k in (3, 5, 7, 9)]
    assert all(tie_free(k, 255, 1e-4) for k in box)
    assert tie_free(np.full((1, 3), 1 / 3), 65535, 1e-9)
    assert not tie_free(np.full((4, 4), 1 / 16), 255, 1e-4)  # even D: x.5 is reachable
    assert not tie_free(np.full((7, 7), 0.02), 255, 1e-4)  # 1/50
    assert not tie_free(get_kernel("gaussian_blur"), 255, 1e-4)  # irrational weights
    assert not tie_free(box[0], 255, 0.06)  # an error as large as the gap 1/18 closes it


def test_saturation_is_skipped_only_when_no_output_can_leave_the_range():
    blur = get_kernel("gaussian_blur")
    assert not _saturates(blur, 255, "reflect", 0.0, 1e-4)
    assert _saturates(get_kernel("sharpen"), 255, "reflect", 0.0, None)  # negative weights
    assert _saturates(blur, 255, "constant", 300.0, 1e-4)  # cval above the range
    assert _saturates(blur * 1.01, 255, "reflect", 0.0, None)  # sums past 1
