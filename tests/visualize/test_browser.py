"""The page in headless Chromium against convolab.shape, convolab.functional and PyTorch.

Settings go in through the page's test hook (window.convolabVis.apply writes them into the
real controls and runs the page's update); a few tests work the controls by hand.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from _visualize_pages import apply_setting
from _visualize_reference import (
    DEFAULT_SETTING,
    as_2d,
    check_summary,
    engine_output,
    random_setting,
    torch_readers,
    torch_support,
    window_positions,
    window_sources,
)

import convolab
import convolab.image
import convolab.nn

BASE = DEFAULT_SETTING


def _apply(page, **changes) -> dict:
    return apply_setting(page, BASE, **changes)


def _page_arrays(values: dict, s: dict, geo: dict):
    h, w = geo["size"]
    cin, cout, g = s["inChannels"], s["outChannels"], s["groups"]
    x = np.array(values["x"], dtype=np.float64).reshape(cin, h, w)
    wshape = (cin, cout // g) if s["transposed"] else (cout, cin // g)
    weight = np.array(values["w"], dtype=np.float64).reshape(*wshape, *geo["kernel"])
    return x, weight, np.array(values["y"], dtype=np.float64)


def _check_cell(page, s: dict, geo: dict, out: tuple, rng: random.Random) -> dict:
    """Pin a random output cell; its highlighted inputs and weights against the engine and
    torch's autograd. Returns the page's numbers (input, weights, output)."""
    out2 = (1, *out) if s["ndim"] == 1 else out
    co, oy, ox = rng.randrange(s["outChannels"]), rng.randrange(out2[0]), rng.randrange(out2[1])
    ci, iy, ix = (rng.randrange(n) for n in (s["inChannels"], *geo["size"]))
    drawn, values, reverse = page.evaluate(
        "([c, y, x, i, v, u]) => [convolabVis.selectOutput(c, y, x), convolabVis.values(),"
        " convolabVis.selectInput(i, v, u)]",
        [co, oy, ox, ci, iy, ix],
    )
    # the reverse: the output cells that an input cell feeds
    assert {tuple(c) for c in reverse["readers"]} == torch_readers(s, geo, ci, iy, ix), s
    assert drawn["output"] == [co, oy, ox]
    inputs, weights = torch_support(s, geo, co, oy, ox)
    sources = sorted(tuple(c) for c in drawn["sources"])
    assert set(sources) == inputs, s
    real = {tuple(wi) for wi, reads in zip(drawn["weights"], drawn["reads"]) if reads}
    assert real == weights, s
    if not s["transposed"]:
        assert sources == window_sources(s, geo, co, oy, ox), s
        first = drawn["window"][0][0]
        positions = sorted((iy, ix) for ci, iy, ix in drawn["window"] if ci == first)
        assert positions == window_positions(geo, oy, ox), s
    return values


def _check_values(values: dict, s: dict, geo: dict) -> tuple:
    x, weight, y = _page_arrays(values, s, geo)
    expected = engine_output(s, geo, x, weight)
    # the engine may pick an FFT: equal to rounding
    np.testing.assert_allclose(y.reshape(expected.shape), expected, atol=1e-9, err_msg=str(s))
    return x, weight, expected


def _python_lines(code: str) -> list[str]:
    return [line for line in code.splitlines() if line and not line.startswith("#")]


def _check_pytorch_line(snap: dict, s: dict, x, weight, expected) -> None:
    """Run the copied PyTorch line: the layer, given the page's weights, gives its output."""
    (line,) = _python_lines(snap["torch"])
    layer = eval(line, {"nn": torch.nn, "convolab": convolab})  # the line as a user pastes it
    conv = next(m for m in layer.modules() if isinstance(m, torch.nn.modules.conv._ConvNd))
    n = s["ndim"]
    w = torch.from_numpy(weight.copy())
    w = w.flip(-2, -1) if s["flip"] else w  # as the line's comment says
    with torch.no_grad():
        conv.weight.copy_(w.reshape(conv.weight.shape).to(conv.weight.dtype))
        got = layer(torch.from_numpy(x).reshape(1, x.shape[0], *s["size"]).float())
    assert tuple(got.shape[2:]) == tuple(expected.shape[-n:]), (s, line)
    np.testing.assert_allclose(got[0].numpy().reshape(expected.shape), expected, atol=1e-3)


def _check_convolab_line(snap: dict, s: dict, x, weight, expected) -> None:
    (line,) = _python_lines(snap["convolab"])
    n = s["ndim"]
    names = {
        "convolab": convolab,
        "x": x.reshape(1, x.shape[0], *s["size"]),
        "w": weight.reshape(*weight.shape[:2], *s["kernel"]),
    }
    got = eval(line, names)
    np.testing.assert_allclose(got[0].reshape(expected.shape), expected, atol=1e-9)
    assert got.shape[2:] == expected.shape[-n:]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_random_settings_match_the_library(served_page):
    """>= 200 random settings: sizes, padding, formulas, errors, highlighted cells, values,
    and the two copied lines run in Python."""
    rng = random.Random(20261124)
    checked = valid = 0
    while checked < 220:
        s = random_setting(rng)
        snap = served_page.evaluate("s => convolabVis.apply(s)", s)
        checked += 1
        summary = check_summary(snap, s)
        if summary is None:
            continue
        out, pads = summary
        geo = as_2d(s, pads)
        values = _check_cell(served_page, s, geo, out, rng)
        x, weight, expected = _check_values(values, s, geo)
        _check_pytorch_line(snap, s, x, weight, expected)
        _check_convolab_line(snap, s, x, weight, expected)
        valid += 1
    assert valid >= 120  # most random settings are valid; the rest checked their message


# the controls named by each argument of a message (padding: symmetric or per side)
FIELD_OF = {
    "groups": "groups",
    "padding": "padding",
    "output_padding": "outputPadding",
    "kernel_size": "kernel",
}


@pytest.mark.parametrize(
    ("changes", "library_call"),
    [
        (
            {"inChannels": 4, "groups": 3, "outChannels": 3},
            lambda: convolab.functional.conv2d(
                np.zeros((1, 4, 7, 7)), np.zeros((3, 1, 3, 3)), groups=3
            ),
        ),
        (
            {"transposed": True, "paddingKind": "same"},
            lambda: convolab.shape.conv_transpose_output_size(
                (7, 7), (3, 3), (1, 1), "same", (0, 0), (1, 1)
            ),
        ),
        (
            {"transposed": True, "stride": [2, 2], "outputPadding": [2, 0]},
            lambda: convolab.shape.conv_transpose_output_size(
                (7, 7), (3, 3), (2, 2), (1, 1), (2, 0), (1, 1)
            ),
        ),
        (
            {"size": [3, 7], "padding": [3, 1], "paddingMode": "reflect"},
            lambda: convolab.functional.conv2d(
                np.zeros((1, 1, 3, 7)),
                np.zeros((1, 1, 3, 3)),
                padding=(3, 1),
                padding_mode="reflect",
            ),
        ),
        (
            {"ndim": 1, "size": [4], "kernel": [3], "dilation": [3], "padding": [0], "stride": [1]},
            lambda: convolab.shape.conv_output_size(4, 3, 1, 0, 3),
        ),
    ],
)
def test_invalid_settings_show_the_library_message(served_page, changes, library_call):
    with pytest.raises(ValueError) as info:
        library_call()
    snap = _apply(served_page, **changes)
    assert snap["error"] == str(info.value)
    assert snap["outSize"] == "—"
    blamed = str(info.value).split(" ")[0]  # the argument the message names is marked
    marked = served_page.eval_on_selector_all("[aria-invalid=true]", "els => els.map(e => e.name)")
    assert marked and all(name.startswith(FIELD_OF[blamed]) for name in marked), marked
    assert not served_page.is_visible("#output-canvas")  # a message, not a broken drawing
    assert _apply(served_page)["error"] is None  # and back
    assert served_page.is_visible("#output-canvas")


def test_transposed_with_another_padding_mode_is_refused(served_page):
    snap = _apply(served_page, transposed=True, paddingMode="circular")
    assert snap["error"] == (
        "padding_mode must be 'zeros' for a transposed convolution, got 'circular'"
    )


def test_a_typed_float_gets_the_type_message(served_page):
    """Typed into the real control: the message is Python's for the same call."""
    _apply(served_page)
    served_page.fill("input[name=kernel-h]", "2.5")
    with pytest.raises(TypeError) as info:
        convolab.shape.conv_output_size((7, 7), (2.5, 3), (1, 1), (1, 1), (1, 1))
    assert served_page.text_content("#error") == str(info.value)


def test_the_real_controls(served_page):
    """Controls, buttons, keyboard and pointer, without the hook's apply."""
    page = served_page
    page.fill("input[name=size-w]", "9")
    page.select_option("select[name=paddingKind]", "same")
    page.fill("input[name=stride-w]", "2")
    assert page.text_content("#out-size") == "7 × 5"  # ceil(7 / 1) x ceil(9 / 2)
    pairs = convolab.shape.same_padding((7, 9), (3, 3), (1, 2))
    assert page.text_content("#pad-pairs") == ", ".join(str(p) for p in pairs)
    assert "convolab.nn.Conv2dSame(1, 1, kernel_size=(3, 3), stride=(1, 2)" in page.text_content(
        "#code-torch"
    )
    page.fill("input[name=inChannels]", "3")
    page.click("#depthwise")
    assert page.input_value("input[name=groups]") == "3"
    assert page.input_value("input[name=outChannels]") == "3"
    page.check("input[name=transposed]")
    page.select_option("select[name=paddingKind]", "symmetric")
    assert page.evaluate("convolabVis.snapshot().torch").startswith("nn.ConvTranspose2d(3, 3")
    page.check("input[name=ndim][value='1']")
    assert page.is_hidden("input[name=size-h]")
    assert " × " not in page.text_content("#out-size")
    # keyboard on the output grid: move, change channel, the readout follows
    page.focus("#output-canvas")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert page.text_content("#readout").startswith("y[1, 1] = ")
    assert "(pinned)" in page.text_content("#step-label")
    # the step scrubber, by keyboard
    page.focus("#step")
    page.keyboard.press("End")
    steps = page.evaluate("convolabVis.snapshot().steps")
    assert page.text_content("#step-label").startswith(f"{steps} / {steps}")
    # play advances the step, pause stops it
    page.fill("#speed", "20")
    page.click("#play")
    page.wait_for_function(
        f"!document.querySelector('#step-label').textContent.startsWith('{steps} /')"
    )
    page.click("#play")
    assert page.text_content("#play") == "Play"
    # pointer: hovering the input shows the output cells it feeds
    box = page.locator("#input-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 28)
    assert "feeds" in page.text_content("#readout")
    # a click on an output cell pins it: moving away keeps it selected
    page.evaluate("window.scrollTo(0, 0)")
    point = page.evaluate("convolabVis.cellCentre('output', 'y2', 0, 3)")
    page.mouse.click(point["x"], point["y"])
    page.mouse.move(0, 0)
    assert page.text_content("#readout").startswith("y[2, 3] = ")
    assert "(pinned)" in page.text_content("#step-label")
    page.click("[data-copy=code-torch]")
    page.wait_for_function("document.querySelector('#copy-status').textContent !== ''")


# ---- image mode ----
