"""The explain page in headless Chromium against torch.

A trained LeNet-5 (a saved page computing in JavaScript, and the served page computing with
torch): a digit drawn with the mouse, the prediction and probabilities against torch on the
very pixels the page fed the model, a clicked cell's window, kernel, sums, bias and
activation against torch, its receptive field against the input gradient. A ResNet-18
(random weights, served): its skips, a layer3 cell's readout and receptive field. A network
built by hand, through the Python API. The saved page of a large model.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest
import torch
from _explain_golden import _layer_outputs
from _explain_nets import Everything, image, trained_like
from _explain_pages import click_map, draw_stroke, open_explain, save_screenshot, served, settle
from _explain_reference import check_steps, close

from _browser_pages import new_page
from _positive import positive
from convolab.data import model_input
from convolab.explain import explain, from_trained
from convolab.models import create_model
from convolab.train import load_trained

SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]  # a 7: across, then down to the left


def _pixels(page) -> np.ndarray:
    """The uint8 image (H, W, C) the page fed the model last."""
    p = page.evaluate("convolabExplain.image()")
    return np.array(p["data"], np.uint8).reshape(p["height"], p["width"], p["channels"])


def _torch_probabilities(trained, pixels: np.ndarray) -> torch.Tensor:
    with torch.no_grad():
        return trained.model(model_input(pixels, trained.card.preprocess)).softmax(1)[0]


def check_prediction(page, trained) -> np.ndarray:
    """The page's probabilities and top-5 against torch's on the page's own pixels."""
    pixels = _pixels(page)
    expected = _torch_probabilities(trained, pixels)
    result = page.evaluate("convolabExplain.result()")
    np.testing.assert_allclose(result["probabilities"], expected.numpy(), atol=1e-5, rtol=1e-5)
    top = [t["class"] for t in result["top"]]
    assert top[0] == int(expected.argmax())
    assert sorted(top) == sorted(torch.topk(expected, 5).indices.tolist())
    return pixels


def check_selection(page, ex) -> dict:
    """The page's readout of its selected cell against torch (through ``ex``, the same model
    on the same pixels: its steps are checked against torch's functions and autograd by
    ``check_steps``), and the page's arithmetic against torch's values."""
    shown = page.evaluate("convolabExplain.selection()")
    layer, cell = shown["layer"], tuple(shown["cell"])
    expected = check_steps(ex, layer, cell)
    assert len(shown["steps"]) == len(expected)
    for mine, theirs in zip(shown["steps"], expected):
        assert mine.keys() == theirs.keys()
        for key in ("window", "kernel", "x", "w"):
            if key in theirs:
                np.testing.assert_allclose(mine[key], theirs[key], atol=1e-5, rtol=1e-5)
        for key in ("bias", "out", "in", "mean", "var", "a", "b"):
            if theirs.get(key) is not None:
                assert close(mine[key], theirs[key]), (key, mine[key], theirs[key])
    for numbers in shown["numbers"]:
        assert close(numbers["value"], numbers["out"]), numbers  # the page's sum is torch's
    return shown


def gradient_box(model, ex, layer: int, cell) -> list:
    """Input rows and columns whose gradient is non-zero for ``cell`` in a positive copy."""
    x = torch.rand(ex._pass.graph.input.shape, generator=torch.Generator().manual_seed(0))
    x = (x * 0.1 + 0.05).requires_grad_(True)
    outputs = _layer_outputs(positive(model), ex, x)
    (grad,) = torch.autograd.grad(outputs[layer][(0, *cell)], x)
    support = grad[0].abs().sum(0) > 0  # (H, W)
    rows, cols = torch.nonzero(support.any(1)).flatten(), torch.nonzero(support.any(0)).flatten()
    return [[int(rows.min()), int(rows.max())], [int(cols.min()), int(cols.max())]]


@pytest.fixture(scope="module")
def lenet_page(digits_run, tmp_path_factory):
    trained = load_trained(digits_run)
    path = tmp_path_factory.mktemp("pages") / "lenet.html"
    from_trained(trained).save(path)
    return trained, path


def test_lenet5_saved_page_draws_predicts_and_explains_as_torch(browser, lenet_page, tmp_path):
    trained, path = lenet_page
    page = open_explain(browser, path.as_uri())
    assert page.evaluate("convolabExplain.spec.mode") == "page"  # computed in the page
    assert page.evaluate("convolabExplain.spec.input.canvas") == [8, 8]  # the digits' size
    assert page.evaluate("convolabExplain.spec.input.dark") is True  # light ink on black
    page.click("#clear")
    draw_stroke(page, SEVEN)
    pixels = check_prediction(page, trained)
    assert pixels.max() > 200 and pixels.min() < 30  # a light stroke on a dark canvas
    c3 = page.evaluate("convolabExplain.spec.layers[2]")
    assert c3["name"] == "features.c3" and c3["ops"] == ["conv", "tanh"]
    click_map(page, 2, 3, 4, 6, c3["shape"])
    ex = from_trained(trained, [pixels])
    shown = check_selection(page, ex)
    assert shown["cell"] == [3, 4, 6]
    assert shown["box"] == gradient_box(create_model("lenet5"), ex, 2, (3, 4, 6))
    draw_stroke(page, [(0.3, 0.55), (0.7, 0.55)])  # the readout follows the new drawing
    check_selection(page, from_trained(trained, [_pixels(page)]))
    timings = page.evaluate("convolabExplain.timings()")[-8:]
    assert statistics.median(timings) < 50, timings  # ms from a stroke to the page redrawn
    save_screenshot(page, tmp_path, "explain-lenet5")
    check_upload(page, trained, tmp_path)
    assert page.errors == []


def check_upload(page, trained, tmp_path) -> None:
    """A dark 3 on white uploaded: inverted for a digits model, as `convolab predict` does."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (40, 48), "white")
    ImageDraw.Draw(picture).line([(10, 8), (30, 10), (18, 24), (30, 36), (10, 40)], "black", 5)
    path = tmp_path / "three.png"
    picture.save(path)
    page.set_input_files("#upload", str(path))
    page.wait_for_function("convolabExplain.image() && convolabExplain.image().width === 40")
    settle(page)
    pixels = _pixels(page)
    gray = np.asarray(picture.convert("L"))  # Pillow's luma, as the page's
    assert np.abs(pixels[..., 0].astype(int) - (255 - gray)).max() <= 1  # inverted
    check_prediction(page, trained)


def test_lenet5_served_page_computes_with_torch(browser, digits_run):
    trained = load_trained(digits_run)
    with served(from_trained(trained)) as url:
        page = open_explain(browser, url)
        assert page.evaluate("convolabExplain.spec.mode") == "served"
        draw_stroke(page, SEVEN)
        pixels = check_prediction(page, trained)
        click_map(page, 0, 2, 10, 12, (6, 28, 28))
        check_selection(page, from_trained(trained, [pixels]))
        assert page.errors == []


def test_resnet18_served_page_draws_skips_and_explains_layer3(browser, tmp_path):
    torch.manual_seed(0)
    model = trained_like(create_model("resnet18"))
    ex = explain(model, image((96, 80, 3)), classes=[f"class {k}" for k in range(1000)])
    with served(ex) as url:
        page = open_explain(browser, url)
        assert page.locator("svg.edges path.skip").count() == 5  # identity shortcuts
        assert page.locator("svg.edges path.branch").count() == 6  # 3 projections, in and out
        names = page.evaluate("convolabExplain.spec.layers.map((l) => l.name)")
        layer = names.index("layer3.0.conv2")
        shown = page.evaluate(f"convolabExplain.select({layer}, [17, 2, 3])")
        check_selection(page, ex)
        assert shown["box"] == gradient_box(create_model("resnet18"), ex, layer, (17, 2, 3))
        check_kernels_and_channels(page, model)
        save_screenshot(page, tmp_path, "explain-resnet18")
        assert page.errors == []


def check_kernels_and_channels(page, model) -> None:
    """The stem's kernels as RGB pictures with torch's value range; all 64 maps on demand."""
    page.click("[data-layer='0'] .col-head")
    page.wait_for_selector("#kernels canvas.kernel")
    assert page.locator("#kernels .kernel-row").count() == 16  # the first 16 of 64
    assert page.locator("#kernels .kernel-row").first.locator("canvas").count() == 1  # RGB
    weight = model.conv1.weight.detach()
    low, high = (f"{float(v):.4g}" for v in (weight.min(), weight.max()))
    assert f"values from {low} to {high}" in page.inner_text("#kernels")
    page.click("[data-layer='0'] button.more")
    page.wait_for_selector("#all-maps canvas")
    assert page.locator("#all-maps canvas").count() == 64


def test_a_network_built_by_hand_through_the_python_api(browser, tmp_path):
    torch.manual_seed(1)
    model = trained_like(Everything())
    ex = explain(model, image((61, 47, 3), 5), classes=["a", "b", "c", "d"])
    path = ex.save(tmp_path / "custom.html")
    page = open_explain(browser, path.as_uri())
    assert page.evaluate("convolabExplain.spec.mode") == "page"
    result = page.evaluate("convolabExplain.result()")
    with torch.no_grad():
        expected = model(ex.inputs.model_input(image((61, 47, 3), 5))).softmax(1)[0]
    np.testing.assert_allclose(result["probabilities"], expected.numpy(), atol=1e-5)
    assert result["top"][0]["name"] == "abcd"[int(expected.argmax())]
    for layer, cell in ((0, [5, 3, 4]), (3, [2, 1, 1]), (5, [6, 2, 1])):
        page.evaluate(f"convolabExplain.select({layer}, {cell})")
        check_selection(page, ex)
    save_screenshot(page, tmp_path, "explain-custom")
    assert page.errors == []
    notebook = tmp_path / "notebook.html"  # what Jupyter shows: _repr_html_ in a cell
    notebook.write_text(f"<html><body>{ex._repr_html_()}</body></html>", encoding="utf-8")
    outer = new_page(browser, notebook.as_uri(), 1400, 900)
    cell = outer.frame_locator("iframe")
    assert cell.locator("body[data-ready='1'] #title").inner_text() == "Everything"
    assert outer.errors == []


def test_the_saved_page_of_a_large_model_shows_its_bundled_pass(browser, tmp_path):
    torch.manual_seed(0)
    ex = explain(create_model("resnet18"), image((64, 64, 3)))
    path = ex.save(tmp_path / "resnet.html")
    page = open_explain(browser, path.as_uri())
    assert page.evaluate("convolabExplain.spec.mode") == "static"
    assert "11,689,512 parameters" in page.inner_text("#mode")
    assert page.locator("#draw-box.no-drawing").count() == 1
    with torch.no_grad():
        expected = ex.model.eval()(ex.inputs.model_input(image((64, 64, 3)))).softmax(1)[0]
    probabilities = page.evaluate("convolabExplain.result().probabilities")
    np.testing.assert_allclose(probabilities, expected.numpy(), atol=1e-6)
    page.evaluate("convolabExplain.select(3, [0, 1, 1])")
    assert "served page" in page.inner_text("#readout")  # the arithmetic needs torch
    settle(page)
    assert page.errors == []
