"""``convolab.explain(model, example, classes, transform)`` for any torch.nn.Module."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from _explain_nets import image
from PIL import Image
from torch import nn

import convolab
from convolab.data import Preprocess
from convolab.explain import Explanation, explain
from convolab.models import create_model


class Tiny(nn.Module):
    """A user's own network: two convolutions, a shortcut, a head."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        y = torch.relu(self.a(x))
        return self.head((y + self.b(y)).mean((2, 3)))


def _data(page: str) -> dict:
    return json.loads(re.search(r'id="convolab-explain">(.*?)</script>', page, re.S).group(1))


def test_a_users_module_opens_shows_inline_and_saves(tmp_path):
    ex = convolab.explain(Tiny(), image((20, 16, 3)), classes=["cat", "dog"])
    assert isinstance(ex, Explanation)
    assert repr(ex) == "Explanation('Tiny', 5 layers, 2 classes)"
    assert [layer.label for layer in ex.layers] == ["conv · relu", "conv", "add", "mean", "dense"]
    assert [layer.inputs for layer in ex.layers] == [(-1,), (0,), (0, 1), (2,), (3,)]
    inline = ex._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "convolab-explain" in inline
    path = ex.save(tmp_path / "tiny.html")
    data = _data(path.read_text())
    assert data["mode"] == "page" and data["classes"] == ["cat", "dog"]
    with pytest.raises(ValueError, match="does not exist yet"):
        ex.save(path)
    ex.save(path, overwrite=True)


def test_examples_in_every_form(tmp_path):
    pixels = image((12, 10, 3))
    file = tmp_path / "x.png"
    Image.fromarray(pixels).save(file)
    tensor = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255
    for example in (pixels, file, str(file), Image.fromarray(pixels), tensor):
        ex = explain(Tiny(), example)
        np.testing.assert_array_equal(ex.inputs.examples[0].image, pixels)
    gray = explain(create_model("lenet5"), image((32, 32)))  # (H, W): one channel
    assert gray.inputs.channels == 1


def test_a_transform_of_the_users_own():
    seen = []

    def transform(pixels):
        seen.append(pixels.shape)
        return torch.from_numpy(pixels).permute(2, 0, 1).float() / 127.5 - 1  # (C, H, W)

    ex = explain(Tiny(), image((9, 9, 3)), transform=transform)
    assert seen == [(9, 9, 3)]
    assert ex.runs_in_page() == "a transform the page cannot run"
    assert _data(ex.html())["mode"] == "static"
    prep = Preprocess((16, 16), 3, (0.5,) * 3, (0.25,) * 3, "resize")
    assert explain(Tiny(), image((9, 9, 3)), transform=prep).spec()["input"]["shape"] == [3, 16, 16]


def test_zoo_models_need_no_example():
    assert explain(create_model("lenet5")).spec()["input"]["shape"] == [1, 32, 32]


class Escapes(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3)

    def forward(self, x):
        return torch.tensor([[float(self.conv(x).sum()), 0.0]])  # .item(): out of the graph


class Maps(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3)

    def forward(self, x):
        return self.conv(x)  # (1, 2, H, W): not a classifier


@pytest.mark.parametrize(
    ("model", "example", "message"),
    [
        ("resnet", None, r"model must be a torch.nn.Module, got 'resnet'"),
        (Tiny(), None, r"example must be an example image"),
        (Tiny(), [[1, 2]], r"example must be an image: a uint8 array"),
        (Tiny(), np.zeros((4, 4, 3)), r"example must be an image: .* got 'float64 array"),
        (nn.Sequential(nn.Flatten(), nn.Linear(48, 3)), image((4, 4, 3)), r"no convolution"),
        (nn.Linear(10, 2), image((4, 4, 3)), r"takes a \(1, 3, 4, 4\) image batch"),
        (Maps(), image((8, 8, 3)), r"a classifier whose output is \(1, classes\)"),
        (Escapes(), image((8, 8, 3)), r"values left it through _local_scalar_dense"),
    ],
)
def test_bad_models_and_examples_are_one_line_errors(model, example, message):
    with pytest.raises((ValueError, TypeError), match=message) as caught:
        explain(model, example)
    assert "\n" not in str(caught.value)


def test_classes_must_name_every_output():
    with pytest.raises(ValueError, match=r"classes must be 2 names, one per output"):
        explain(Tiny(), image((8, 8, 3)), classes=["a", "b", "c"])


def test_importing_convolab_does_not_import_torch():
    code = "import sys, convolab; print('torch' in sys.modules, callable(convolab.explain))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
