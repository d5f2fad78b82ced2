"""The separable 'direct' path: stripes, border rows and columns, straight writes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st

from convolab.functional._planes import _borders_apart, separable_factors
from convolab.image import MODES, filter_image

RNG = np.random.default_rng(11)


@given(h=st.integers(1, 60), lo=st.integers(0, 9), hi=st.integers(0, 9), size=st.integers(1, 20))
def test_borders_apart_covers_every_row_once_in_order(h, lo, hi, size):
    stripes = _borders_apart(h, lo, hi, size)
    rows = [r for s in stripes for r in range(s.start, s.stop)]
    assert rows == list(range(h))
    if h > lo + hi:  # the border rows come alone, the rest in stripes of at most `size`
        assert (lo == 0 or stripes[0] == slice(0, lo)) and (hi == 0 or stripes[-1].start == h - hi)
        inner = stripes[(lo > 0) : len(stripes) - (hi > 0)]
        assert all(s.stop - s.start <= size for s in inner)


@pytest.mark.parametrize("mode", MODES)
def test_separable_direct_uint8_rgba_and_float32_views(mode):
    kernel = np.outer([1.0, 2.0, 1.0], [0.1, 0.7, 0.2])  # rank 1, irrational-ish weights
    assert separable_factors(kernel) is not None
    rgba = RNG.integers(0, 256, (50, 37, 4), dtype=np.uint8)
    got = filter_image(rgba, kernel, mode, 3, method="direct")
    for c in range(3):
        want = ndi.correlate(rgba[..., c].astype(float), kernel, mode=mode, cval=3)
        np.testing.assert_array_equal(got[..., c], np.clip(np.rint(want), 0, 255))
    np.testing.assert_array_equal(got[..., 3], rgba[..., 3])
    gray = RNG.random((64, 80), dtype=np.float32)[::2, 1:]  # a strided view: copied per stripe
    want = ndi.correlate(gray.astype(float), kernel, mode=mode, cval=3)
    got = filter_image(gray, kernel, mode, 3, method="direct")
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_zero_weights_keep_nan_out_like_scipy():
    kernel = np.outer([0.0, 1.0, 0.0], [0.0, 0.5, 0.5])  # the NaN column sits under zeros only
    image = RNG.random((8, 9))
    image[:, 0] = np.nan
    got = filter_image(image, kernel, "wrap", method="direct")
    want = ndi.correlate(image, kernel, mode="wrap")
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
