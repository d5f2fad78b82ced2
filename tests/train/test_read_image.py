"""read_image of convolab.train: files as the uint8 (H, W, C) arrays the models take."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from convolab.train._evaluate import read_image


def _save16(path, wide):
    Image.fromarray(wide.astype(np.uint16)).save(path)  # 16-bit grayscale PNG (mode I;16)


@pytest.mark.parametrize("channels", [1, 3])
def test_16_bit_png_is_scaled_not_clipped(tmp_path, channels):
    wide = np.array([[0, 257, 32896], [65535, 1000, 128]], np.uint16)
    _save16(tmp_path / "g.png", wide)
    pixels = read_image(tmp_path / "g.png", channels)
    expected = np.array([[0, 1, 128], [255, 4, 0]], np.uint8)  # round(v / 257)
    assert pixels.shape == (2, 3, channels) and pixels.dtype == np.uint8
    for c in range(channels):
        np.testing.assert_array_equal(pixels[..., c], expected)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 65535), min_size=1, max_size=12))
def test_16_bit_matches_division_by_257(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("g") / "g.png"
    wide = np.array([values], np.uint16)
    _save16(path, wide)
    expected = np.floor(wide.astype(np.float64) / 257 + 0.5)  # ties never occur: 257 is odd
    np.testing.assert_array_equal(read_image(path, 1)[..., 0], expected)


def test_8_bit_png_unchanged(tmp_path):
    pixels = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    Image.fromarray(pixels).save(tmp_path / "g.png")
    np.testing.assert_array_equal(read_image(tmp_path / "g.png", 1)[..., 0], pixels)
