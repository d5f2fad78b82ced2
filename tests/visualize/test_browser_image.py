"""The page's Image tab, its single-file form and its screenshots, in headless Chromium.

The Image tab against :mod:`convolab.image`; the saved page opened from ``file://``; the
screenshots written for people to look at.
"""

from __future__ import annotations

import base64
import io
import random

import numpy as np
import pytest
from _visualize_pages import apply_setting, open_page, save_screenshot, show_image
from _visualize_reference import DEFAULT_SETTING, check_summary, random_setting

import convolab.image
from convolab.visualize import PHOTOS, photo_png


def _apply(page, **changes) -> dict:
    return apply_setting(page, DEFAULT_SETTING, **changes)


def _image_result(page) -> tuple[np.ndarray, np.ndarray]:
    """The page's source and filtered pixels, ``(H, W)`` grey or ``(H, W, 3)`` colour."""
    r = page.evaluate("convolabVis.image.result()")
    shape = (r["height"], r["width"], 4)
    source = np.frombuffer(base64.b64decode(r["input"]), dtype=np.uint8).reshape(shape)
    output = np.frombuffer(base64.b64decode(r["output"]), dtype=np.uint8).reshape(shape)
    if r["channels"] == 1:
        return source[..., 0], output[..., 0]
    return source[..., :3], output[..., :3]


def _check_filter(page, name: str) -> None:
    page.evaluate("name => convolabVis.image.setKernel(name)", name)
    source, output = _image_result(page)
    expected = convolab.image.apply_kernel(source, name)  # filter_image, or the pair's magnitude
    diff = np.abs(output.astype(int) - expected.astype(int))
    assert diff.max() <= 1, (name, diff.max())  # within 1/255


def test_image_mode_matches_convolab_image(served_page):
    """Every kernel of the bank on a grey photo, a few on a colour one, against the library."""
    from PIL import Image

    page = served_page
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    source, _ = _image_result(page)
    served = np.asarray(Image.open(io.BytesIO(photo_png(PHOTOS[0]))))
    np.testing.assert_array_equal(source, served)  # the page filters the served photo
    for name in convolab.image.list_kernels():
        _check_filter(page, name)
    page.evaluate("convolabVis.image.setPhoto('astronaut')")
    assert _image_result(page)[0].ndim == 3
    for name in ("gaussian_blur", "sobel_x", "edge_magnitude", "sharpen"):
        _check_filter(page, name)


# ---- the self-contained page, from a file ----


def test_the_single_file_page_works_from_file(browser, page_file, tmp_path):
    """file:// page: same answers as the library, image mode on a picked file, no errors."""
    from PIL import Image

    page = open_page(browser, page_file.as_uri())
    rng = random.Random(7)
    for _ in range(25):
        s = random_setting(rng)
        check_summary(page.evaluate("s => convolabVis.apply(s)", s), s)
    picture = convolab.image.sample_image("camera")[::4, ::4]  # (128, 128) grey
    Image.fromarray(picture).save(tmp_path / "camera.png")
    page.check("input[name=view][value=image]")
    page.set_input_files("input[name=file]", str(tmp_path / "camera.png"))
    page.wait_for_function("convolabVis.image.result() && convolabVis.image.result().width")
    np.testing.assert_array_equal(_image_result(page)[0], picture)
    _check_filter(page, "gaussian_blur")
    assert page.errors == []
    page.close()


# ---- screenshots, for people to look at ----

SCREENS = {
    "2d": {
        "size": [9, 9],
        "kernel": [3, 3],
        "stride": [2, 2],
        "padding": [1, 1],
        "inChannels": 2,
        "outChannels": 2,
    },
    "transposed": {
        "size": [4, 4],
        "kernel": [3, 3],
        "stride": [2, 2],
        "padding": [1, 1],
        "transposed": True,
        "outputPadding": [1, 1],
    },
    "depthwise": {
        "size": [8, 8],
        "kernel": [3, 3],
        "dilation": [2, 2],
        "padding": [2, 2],
        "inChannels": 3,
        "outChannels": 3,
        "groups": 3,
        "paddingMode": "reflect",
    },
    "1d": {
        "ndim": 1,
        "size": [16],
        "kernel": [5],
        "stride": [2],
        "dilation": [1],
        "paddingKind": "same",
        "padding": [0],
        "paddingSides": [[0, 0]],
        "outputPadding": [0],
        "inChannels": 2,
        "outChannels": 2,
    },
    "error": {"size": [4, 4], "kernel": [5, 5], "padding": [0, 0]},
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screenshot(served_page, screens_dir, name):
    snap = _apply(served_page, **SCREENS[name])
    assert (snap["error"] is not None) == (name == "error")
    if name != "error":
        served_page.evaluate("convolabVis.selectOutput(0, 0, 1)")
    assert save_screenshot(served_page, screens_dir, f"visualize-{name}").stat().st_size > 0


def test_screenshot_image_mode_and_narrow_window(browser, server_address, screens_dir):
    page = open_page(browser, server_address)
    show_image(page, "edge_magnitude")
    save_screenshot(page, screens_dir, "visualize-image")
    assert page.errors == []
    page.close()
    narrow = open_page(browser, server_address, width=420, height=800)
    narrow.evaluate("convolabVis.selectOutput(0, 2, 3)")
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 420  # no sideways scrolling on a narrow window
    save_screenshot(narrow, screens_dir, "visualize-narrow")
    assert narrow.errors == []
    narrow.close()
