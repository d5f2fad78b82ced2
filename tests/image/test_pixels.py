"""Pixel conversions against Pillow and closed forms: 8 bits, alpha over white, luminance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from convolab import InputError
from convolab.image import convert_mode, luminance
from convolab.image._pixels import over_white, to_uint8

RNG = np.random.default_rng(11)
SHAPES = st.tuples(st.integers(1, 9), st.integers(1, 9))


@given(arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.just(3))))
def test_luminance_of_rgb_equals_pillows_convert_L(rgb):
    want = np.asarray(Image.fromarray(rgb).convert("L"))
    np.testing.assert_array_equal(luminance(rgb), want)


@given(arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.just(4))))
def test_luminance_of_rgba_equals_pillows_convert_LA(rgba):
    want = np.asarray(Image.fromarray(rgba).convert("LA"))
    np.testing.assert_array_equal(luminance(rgba), want)


def test_luminance_is_bt601_for_other_dtypes_and_leaves_gray_alone():
    rgb = RNG.random((5, 6, 3))
    np.testing.assert_allclose(luminance(rgb), rgb @ [0.299, 0.587, 0.114], rtol=1e-12)
    deep = RNG.integers(0, 65536, (4, 4, 3), dtype=np.uint16)
    want = np.rint(deep @ np.array([0.299, 0.587, 0.114])).astype(np.uint16)
    np.testing.assert_array_equal(luminance(deep), want)
    gray = RNG.integers(0, 256, (3, 4), dtype=np.uint8)
    assert luminance(gray) is gray or np.array_equal(luminance(gray), gray)
    assert luminance(np.zeros((3, 4, 2), np.uint8)).shape == (3, 4, 2)


@given(arrays(np.uint16, SHAPES))
def test_16_bit_scales_to_8_bits_rounding(deep):
    np.testing.assert_array_equal(to_uint8(deep), np.rint(deep / 257.0).astype(np.uint8))


def test_floats_are_taken_as_unit_range_and_clipped():
    values = np.array([[-0.5, 0.0, 0.5, 1.0, 7.0]])
    np.testing.assert_array_equal(to_uint8(values), [[0, 0, 128, 255, 255]])


@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6), st.sampled_from([2, 4]))))
def test_alpha_composites_over_white(image):
    alpha = image[..., -1:] / 255.0
    exact = np.rint(image[..., :-1] * alpha + 255 * (1 - alpha)).astype(np.uint8)  # (h, w, c)
    got = over_white(image)
    np.testing.assert_array_equal(got, exact[..., 0] if image.shape[2] == 2 else exact)
    rgba = Image.fromarray(image, "LA" if image.shape[2] == 2 else "RGBA").convert("RGBA")
    white = Image.new("RGBA", rgba.size, "white")
    pillow = np.asarray(Image.alpha_composite(white, rgba).convert("RGB")).astype(int)
    shown = got[..., None] if got.ndim == 2 else got
    assert np.abs(pillow - shown).max() <= 1  # Pillow rounds in fixed point


def test_convert_mode_gives_a_models_input():
    rgba = np.zeros((4, 5, 4), np.uint8)  # a digit drawn black on a transparent canvas
    rgba[1:3, 2, 3] = 255
    gray = convert_mode(rgba, "L")
    assert gray.dtype == np.uint8 and gray.shape == (4, 5)
    assert gray[1, 2] == 0 and gray[0, 0] == 255  # black ink on white, not black on black
    rgb = convert_mode(np.full((2, 3), 7, np.uint16) * 257, "RGB")
    assert rgb.shape == (2, 3, 3) and np.all(rgb == 7)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: convert_mode(np.zeros((2, 2), np.uint8), "CMYK"), "mode must be one of 'L'"),
        (lambda: luminance(np.zeros((2, 2, 5), np.uint8)), r"image must be an image array"),
        (lambda: to_uint8(np.zeros((2, 2), np.int64)), "image must be uint8, uint16 or float"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(InputError, match=match):
        call()
