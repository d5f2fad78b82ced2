"""Responses made viewable and the comparison grid."""

from __future__ import annotations

import numpy as np

from convolab.image import compare_grid, display_kernel, filter_image, get_kernel, to_display

RNG = np.random.default_rng(11)


def test_display_scaling():
    image = RNG.integers(0, 256, (30, 30, 3), dtype=np.uint8)
    # kernels that sum to 1 are shown exactly as filter_image rounds them
    np.testing.assert_array_equal(
        display_kernel(image, "sharpen"), filter_image(image, get_kernel("sharpen"))
    )
    flat = np.full((20, 20), 0.5)
    assert (display_kernel(flat, "emboss") == 128).all()  # no relief: mid-grey
    assert (display_kernel(flat, "edges") == 0).all()  # no edges: black
    signed = to_display(np.array([-2.0, 0.0, 2.0]), "signed")
    assert signed[0] < 10 and signed[1] == 128 and signed[2] > 245
    assert to_display(np.array([0.0, 0.5, 1.0]), "magnitude")[-1] == 255
    rgba = RNG.integers(0, 256, (8, 8, 4), dtype=np.uint8)
    np.testing.assert_array_equal(display_kernel(rgba, "edges")[..., 3], rgba[..., 3])


def test_compare_grid_layout():
    gray = RNG.integers(0, 256, (60, 80), dtype=np.uint8)
    rgb = RNG.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    grid = compare_grid([("a", gray), ("b", rgb), ("c", rgb), ("d", gray), ("e", rgb)])
    assert grid.dtype == np.uint8 and grid.ndim == 3 and grid.shape[2] == 3
    assert grid.shape[1] > 3 * 80 and grid.shape[0] > 2 * 60  # 3 columns, 2 rows, labels
    assert (grid[0, :, :] == 255).all()  # white margin
