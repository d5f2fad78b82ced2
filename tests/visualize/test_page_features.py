"""The page's interactive features in headless Chromium, against convolab and PyTorch.

Hovering a weight, the colour of each kernel position, the state in the URL (served and
saved page), values typed into the grids, 'causal' padding, and the Image tab (the kernel
table, boundary modes, the photo embedded in the saved page). Pointer and keyboard go through
the real canvases; the test hook (window.convolabVis) only reports what the page drew.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from _visualize_pages import open_page, save_screenshot, show_image
from _visualize_reference import (
    CAUSAL_1D,
    DEFAULT_SETTING,
    as_2d,
    engine_output,
    functional_error,
    random_setting,
    shape_answer,
    torch_weight_uses,
)

import convolab
import convolab.image
from convolab.visualize import kernel_bank, photo_png
from convolab.visualize._page import EMBEDDED_PHOTO, EMBEDDED_SIDE

PIXEL = """([id, x, y]) => {
  const canvas = document.getElementById(id);
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const px = Math.round((x - window.scrollX - box.left) * ratio);
  const py = Math.round((y - window.scrollY - box.top) * ratio);
  return Array.from(canvas.getContext("2d").getImageData(px, py, 1, 1).data.slice(0, 3));
}"""
BANK = {entry["name"]: entry for entry in kernel_bank()["kernels"]}
CANVAS = {"input": "input-canvas", "weight": "weight-canvas", "output": "output-canvas"}


def _apply(page, **changes) -> dict:
    return page.evaluate("s => convolabVis.apply(s)", {**DEFAULT_SETTING, **changes})


def _grid_cell(kind: str, cell, dilation=(1, 1)) -> tuple[str, int, int]:
    """The grid id, row and column of a cell given in the layer's coordinates."""
    if kind == "weight":
        i, j, ky, kx = cell
        return f"w{i}_{j}", ky * dilation[0], kx * dilation[1]
    return f"{'x' if kind == 'input' else 'y'}{cell[0]}", cell[1], cell[2]


def _point(page, kind: str, cell, dilation=(1, 1)) -> dict:
    """A cell's centre in the viewport, scrolled into view, and its size."""
    args = [kind, *_grid_cell(kind, cell, dilation)]
    where = page.evaluate("a => convolabVis.cellCentre(...a)", args)
    page.evaluate("y => window.scrollTo(0, Math.max(0, y - 300))", where["y"])
    where = page.evaluate("a => convolabVis.cellCentre(...a)", args)
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    return {"x": where["x"] - scroll[0], "y": where["y"] - scroll[1], "size": where["size"]}


def _fill_colour(page, kind: str, cell, dilation=(1, 1)) -> tuple:
    """The fill of a cell: a pixel inside its border, clear of its number."""
    args = [kind, *_grid_cell(kind, cell, dilation)]
    where = page.evaluate("a => convolabVis.cellCentre(...a)", args)
    corner = where["size"] / 2 - 5
    return tuple(page.evaluate(PIXEL, [CANVAS[kind], where["x"] - corner, where["y"] - corner]))


def _valid_settings(seed: int, count: int) -> list:
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        s = random_setting(rng)
        answer = shape_answer(s)
        if isinstance(answer, str) or (not s["transposed"] and functional_error(s)):
            continue
        if max(answer[0]) <= 40 and max(s["size"]) <= 12:
            found.append((s, answer[1]))
    return found


# ---- hovering a weight ----


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_hovering_a_weight_shows_every_input_it_multiplies_and_output_it_feeds(served_page):
    """The pointer on a weight cell: the page's cells against PyTorch's autograd."""
    page = served_page
    rng = random.Random(5)
    for s, pads in _valid_settings(seed=11, count=12):
        page.evaluate("s => convolabVis.apply(s)", s)
        geo = as_2d(s, pads)
        first = s["inChannels"] if s["transposed"] else s["outChannels"]
        second = s["outChannels" if s["transposed"] else "inChannels"] // s["groups"]
        index = [rng.randrange(first), rng.randrange(second), *map(rng.randrange, geo["kernel"])]
        point = _point(page, "weight", index, geo["dilation"])
        page.mouse.move(point["x"], point["y"])
        drawn = page.evaluate("convolabVis.drawn()")
        outputs, inputs = torch_weight_uses(s, geo, tuple(index))
        assert drawn["weight"] == index, s
        assert {tuple(c) for c in drawn["outputs"]} == outputs, (s, index)
        assert {tuple(c) for c in drawn["sources"]} == inputs, (s, index)
        assert page.text_content("#readout").startswith("w["), s
        page.mouse.move(0, 0)  # leaving the grid shows the pinned output again
        assert "output" in page.evaluate("convolabVis.drawn()")


def test_each_kernel_position_has_its_own_colour_on_input_and_weight(served_page):
    page = served_page
    _apply(page, size=[8, 8], kernel=[3, 4], inChannels=2, outChannels=1)
    drawn = page.evaluate("convolabVis.selectOutput(0, 3, 2)")
    by_weight = {}
    for (ci, iy, ix), w in zip(drawn["window"], drawn["weights"]):
        colour = _fill_colour(page, "input", [ci, iy, ix])
        assert colour == _fill_colour(page, "weight", w), (ci, iy, ix, w)  # the same colour
        by_weight.setdefault(tuple(w[2:]), set()).add(colour)
    assert len(by_weight) == 12
    assert all(len(colours) == 1 for colours in by_weight.values())
    colours = [next(iter(c)) for c in by_weight.values()]
    assert len(set(colours)) == 12  # twelve positions, twelve colours
    assert (255, 255, 255) not in colours
    nearest = min(
        sum((a - b) ** 2 for a, b in zip(p, q)) ** 0.5
        for i, p in enumerate(colours)
        for q in colours[i + 1 :]
    )
    assert nearest > 25, nearest  # far enough apart in RGB to tell apart
    # a hovered weight paints the outputs it feeds in its own colour
    drawn = page.evaluate("convolabVis.selectWeight(0, 1, 2, 3)")
    colour = _fill_colour(page, "weight", [0, 1, 2, 3])
    assert colour == by_weight[(2, 3)].copy().pop()
    assert all(_fill_colour(page, "output", c) == colour for c in drawn["outputs"][:5])
    assert all(_fill_colour(page, "input", c) == colour for c in drawn["window"][:5])


# ---- the state in the URL ----

SHARED = CAUSAL_1D


def _state(page) -> dict:
    return page.evaluate(
        "({snap: convolabVis.snapshot(), drawn: convolabVis.drawn(), values: convolabVis.values()})"
    )


def test_the_state_lives_in_the_url_and_survives_a_reload(browser, server_address, page_file):
    page = open_page(browser, server_address)
    _apply(page, **SHARED)
    page.evaluate("convolabVis.selectOutput(1, 0, 4)")
    shared, link = _state(page), page.url
    assert "paddingKind=causal" in link and "select=output:1,0,4" in link
    page.reload()
    page.wait_for_function("window.convolabVis && window.convolabVis.ready")
    page.evaluate("convolabVis.ready")
    assert _state(page) == shared
    fresh = open_page(browser, link)  # the link in another tab
    fresh.evaluate("convolabVis.ready")
    assert _state(fresh) == shared
    assert fresh.input_value("select[name=paddingKind]") == "causal"
    saved = open_page(browser, page_file.as_uri() + link[link.index("#") :])  # the saved page
    saved.evaluate("convolabVis.ready")
    assert _state(saved) == shared
    assert page.errors == fresh.errors == saved.errors == []
    for p in (page, fresh, saved):
        p.close()


def test_a_link_to_the_image_tab(browser, page_file):
    page = open_page(browser, page_file.as_uri() + "#view=image&filter=sobel_x&edges=wrap")
    page.evaluate("convolabVis.ready")
    assert page.is_visible("#image-view") and page.is_hidden("#grid-view")
    assert page.input_value("select[name=kernel]") == "sobel_x"
    assert page.input_value("select[name=mode]") == "wrap"
    assert page.evaluate("convolabVis.image.result().mode") == "wrap"
    page.select_option("select[name=kernel]", "emboss")
    assert "filter=emboss" in page.url and "view=image" in page.url
    assert page.errors == []
    page.close()


def test_a_bad_link_says_what_it_could_not_set(browser, server_address):
    page = open_page(browser, server_address + "#size=2.5,7&paddingKind=diagonal&x=1,2")
    page.evaluate("convolabVis.ready")
    with pytest.raises(TypeError) as info:
        convolab.shape.conv_output_size((2.5, 7), (3, 3), (1, 1), (1, 1), (1, 1))
    assert page.text_content("#error") == str(info.value)  # as if typed into the control
    note = page.text_content("#url-note")
    assert "paddingKind must be one of" in note and "'diagonal'" in note
    assert page.is_visible("#url-note")
    page.fill("input[name=size-h]", "7")  # mended by hand: the layer is back
    assert page.evaluate("convolabVis.snapshot().error") is None
    assert page.errors == []
    page.close()


# ---- values typed into the grids ----


def _page_numbers(page, s: dict):
    v = page.evaluate("convolabVis.values()")
    geo = as_2d(s, [(1, 1), (1, 1)])
    x = np.array(v["x"], dtype=np.float64).reshape(s["inChannels"], *geo["size"])
    w = np.array(v["w"], dtype=np.float64).reshape(s["outChannels"], s["inChannels"], 3, 3)
    return x, w, np.array(v["y"]), v["edited"], geo


def test_input_and_weight_values_can_be_typed(served_page, screens_dir):
    page = served_page
    s = {**DEFAULT_SETTING, "inChannels": 2}
    _apply(page, **s)
    point = _point(page, "input", [1, 2, 3])
    page.mouse.click(point["x"], point["y"])  # click a cell ...
    page.keyboard.type("2.5")  # ... and type a number
    assert page.is_visible("#cell-editor")
    page.keyboard.press("Enter")
    assert page.is_hidden("#cell-editor")
    point = _point(page, "weight", [0, 1, 0, 2])
    page.mouse.dblclick(point["x"], point["y"])  # or double-click it
    page.keyboard.type("-0.75")
    page.keyboard.press("Enter")
    x, w, y, edited, geo = _page_numbers(page, s)
    assert x[1, 2, 3] == 2.5 and w[0, 1, 0, 2] == -0.75
    assert edited == {"x": True, "w": True}
    expected = engine_output(s, geo, x, w)  # convolab.functional on the page's numbers
    np.testing.assert_allclose(y.reshape(expected.shape), expected, atol=1e-9)
    assert page.text_content("#readout").startswith("w[0, 1, 0, 2] = -0.75 multiplies")
    # text that is no number is refused, visibly, and changes nothing
    point = _point(page, "input", [0, 0, 0])
    page.mouse.dblclick(point["x"], point["y"])
    page.keyboard.type("1,5")
    page.keyboard.press("Enter")
    message = page.text_content("#edit-error")
    assert message.startswith("x[0, 0, 0] must be a number between -1000000 and 1000000")
    assert message.endswith("got '1,5'")
    assert page.is_visible("#edit-error") and page.is_visible("#cell-editor")
    assert page.get_attribute("#cell-editor", "aria-invalid") == "true"
    save_screenshot(page, screens_dir, "visualize-edit-refused")
    page.keyboard.press("Escape")
    assert page.is_hidden("#edit-error") and page.is_hidden("#cell-editor")
    assert np.array_equal(_page_numbers(page, s)[0], x)
    # the typed values travel in the link
    again = open_page(page.context.browser, page.url)
    again.evaluate("convolabVis.ready")
    assert again.evaluate("convolabVis.values()") == page.evaluate("convolabVis.values()")
    again.close()
    page.click("#reset-values")
    assert page.evaluate("convolabVis.values().edited") == {"x": False, "w": False}
    assert page.is_hidden("#reset-values") and "&x=" not in page.url


# ---- 'causal' padding ----


def test_causal_padding_from_the_controls(served_page):
    page = served_page
    page.check("input[name=ndim][value='1']")
    page.fill("input[name=size-w]", "10")
    page.fill("input[name=dilation-w]", "2")
    page.select_option("select[name=paddingKind]", "causal")
    g = convolab.shape.conv_geometry(10, 3, 1, "causal", 2)
    assert page.text_content("#out-size") == str(g.out[0]) == "10"
    assert page.text_content("#pad-pairs") == "(4, 0)"
    assert page.evaluate("convolabVis.snapshot().formula") == convolab.shape.explain_geometry(g)
    assert "padding='causal'" in page.text_content("#code-convolab")
    torch_line = "convolab.nn.CausalConv1d(1, 1, kernel_size=3, stride=1, dilation=2, groups=1"
    assert page.text_content("#code-torch").startswith(torch_line)
    drawn = page.evaluate("convolabVis.selectOutput(0, 0, 3)")
    assert max(x for _, _, x in drawn["sources"]) == 3  # output i sees inputs up to i only


# ---- the Image tab ----


def test_every_kernel_table_is_shown_whole(served_page):
    """No kernel of the bank (7x7 and 9x9 included) is cut: each cell is where a click lands."""
    page = served_page
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    for name in convolab.image.list_kernels():
        page.evaluate("n => convolabVis.image.setKernel(n)", name)
        hidden = page.evaluate(
            """() => [...document.querySelectorAll('#kernel-table td')].filter((td) => {
              const r = td.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return hit !== td && !td.contains(hit);
            }).length"""
        )
        assert hidden == 0, name
        rows = page.eval_on_selector_all("#kernel-table tr", "rs => rs.map(r => r.cells.length)")
        shown = BANK[name]["pair"][0] if "pair" in BANK[name] else BANK[name]["weights"]
        assert rows == [len(row) for row in shown], name


@pytest.mark.parametrize("mode", convolab.image.MODES)
def test_every_boundary_mode_in_the_image_tab(served_page, mode):
    page = served_page
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    page.select_option("select[name=mode]", mode)
    for name in ("gaussian_blur", "edge_magnitude", "motion_blur"):
        page.evaluate("n => convolabVis.image.setKernel(n)", name)
        r = page.evaluate("convolabVis.image.result()")
        source, output = _pixels(r)
        expected = convolab.image.apply_kernel(source, name, mode)
        np.testing.assert_array_equal(output, expected, err_msg=f"{name} {mode}")


def _pixels(r: dict):
    import base64

    shape = (r["height"], r["width"], 4)
    source = np.frombuffer(base64.b64decode(r["input"]), dtype=np.uint8).reshape(shape)
    output = np.frombuffer(base64.b64decode(r["output"]), dtype=np.uint8).reshape(shape)
    keep = (slice(None), slice(None), 0) if r["channels"] == 1 else (..., slice(0, 3))
    return source[keep], output[keep]


def test_the_saved_page_shows_an_embedded_photo(browser, page_file, screens_dir):
    from PIL import Image

    page = open_page(browser, page_file.as_uri())
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    r = page.evaluate("convolabVis.image.result()")
    assert r is not None and (r["width"], r["height"]) == (EMBEDDED_SIDE, EMBEDDED_SIDE)
    source, output = _pixels(r)
    embedded = np.asarray(Image.open(io.BytesIO(photo_png(EMBEDDED_PHOTO, EMBEDDED_SIDE))))
    np.testing.assert_array_equal(source, embedded)
    np.testing.assert_array_equal(output, convolab.image.apply_kernel(source, "edge_magnitude"))
    assert page.is_hidden("#image-empty")
    assert page.input_value("select[name=photo]") == EMBEDDED_PHOTO
    page.evaluate("convolabVis.image.setKernel('gaussian_blur')")
    save_screenshot(page, screens_dir, "visualize-saved-image")
    assert page.errors == []
    page.close()


# ---- screenshots of the new features, for people to look at ----


def test_screenshots_of_the_features(browser, server_address, screens_dir):
    page = open_page(browser, server_address)
    _apply(page, size=[8, 8], kernel=[3, 3], dilation=[2, 2], padding=[2, 2], inChannels=2)
    page.evaluate("convolabVis.selectOutput(0, 3, 4)")
    save_screenshot(page, screens_dir, "visualize-colours")
    point = _point(page, "weight", [0, 1, 1, 2], (2, 2))
    page.mouse.move(point["x"], point["y"])
    save_screenshot(page, screens_dir, "visualize-weight-hover")
    _apply(page, **SHARED)
    page.evaluate("convolabVis.selectOutput(0, 0, 3)")
    save_screenshot(page, screens_dir, "visualize-causal")
    show_image(page, "motion_blur")
    save_screenshot(page, screens_dir, "visualize-image-9x9")
    assert page.errors == []
    page.close()
    narrow = open_page(browser, server_address, width=420, height=800)
    show_image(narrow, "motion_blur")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 420
    save_screenshot(narrow, screens_dir, "visualize-image-narrow")
    narrow.close()
