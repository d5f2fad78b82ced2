"""Every cell's arithmetic against torch, for the zoo and for networks built by hand.

Random cells of every layer (their corners too: the padding) of LeNet-5, ResNet-18 and a
custom network that uses every operator the page explains: strided, dilated, padded and
grouped convolutions, max pooling with padding and ceil_mode, average pooling without the
padding in its divisor, adaptive pooling with uneven windows, a global mean, batch norm,
hardtanh, leaky ReLU, ELU, SiLU, a residual sum and a dense layer without bias.
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from _explain_nets import EVERYTHING_LABELS, Everything, image, trained_like
from _explain_reference import check_steps
from torch import nn

from convolab.explain import explain
from convolab.models import create_model


def _cells(shape, rng: random.Random, count: int) -> list[tuple[int, ...]]:
    """The first and last cell and ``count`` random ones."""
    cells = [tuple(0 for _ in shape), tuple(n - 1 for n in shape)]
    cells += [tuple(rng.randrange(n) for n in shape) for _ in range(count)]
    return cells


def check_every_layer(ex, count: int = 3, seed: int = 0) -> set[str]:
    rng = random.Random(seed)
    ops = set()
    for index, layer in enumerate(ex.layers):
        for cell in _cells(layer.shape, rng, count):
            ops.update(step["op"] for step in check_steps(ex, index, cell))
    return ops


def test_lenet5_every_layer():
    torch.manual_seed(0)
    ex = explain(create_model("lenet5"), image((32, 32, 1)))
    assert [layer.label for layer in ex.layers] == [
        "conv · tanh", "avg pool", "conv · tanh", "avg pool", "conv · tanh", "dense · tanh",
        "dense",
    ]  # fmt: skip
    assert check_every_layer(ex) == {"conv", "tanh", "avg pool", "dense"}


def test_resnet18_every_layer():
    torch.manual_seed(0)
    ex = explain(trained_like(create_model("resnet18")), image((48, 40, 3)))
    ops = check_every_layer(ex, count=1)
    assert ops == {"conv", "bn", "relu", "max pool", "add", "mean", "dense"}


def test_a_custom_network_with_every_operator():
    torch.manual_seed(0)
    ex = explain(trained_like(Everything()), image((23, 19, 3)))
    assert [layer.label for layer in ex.layers] == EVERYTHING_LABELS
    check_every_layer(ex, count=4)


def test_readouts_follow_a_newimage():
    torch.manual_seed(0)
    ex = explain(create_model("lenet5"), image((32, 32, 1)))
    before = ex.cell(0, (2, 5, 5))["steps"][0]["out"]
    ex.run(image((32, 32, 1), seed=1))
    assert ex.cell(0, (2, 5, 5))["steps"][0]["out"] != before
    check_steps(ex, 0, (2, 5, 5))


@pytest.mark.parametrize(
    ("layer", "cell", "message"),
    [
        (7, (0, 0, 0), r"layer must be an int in \[0, 6\], got 7"),
        (0, (0, 0), r"cell must be an index into the layer's shape \(6, 28, 28\)"),
        (0, (6, 0, 0), r"cell must be an int in \[0, 5\], got 6"),
        (0, (0, -1, 0), r"cell must be an int >= 0, got -1"),
    ],
)
def test_a_cell_outside_the_layer_is_refused(layer, cell, message):
    ex = explain(create_model("lenet5"), image((32, 32, 1)))
    with pytest.raises(ValueError, match=message):
        ex.cell(layer, cell)


class Opaque(nn.Module):
    """Operators the page draws but does not explain: a transposed convolution, a scaled sum,
    an interpolation, a convolution whose kernel is made from the image."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)

    def forward(self, x):
        y = torch.relu(self.conv(x))  # (N, 4, H, W)
        z = torch.add(y, y, alpha=2.0)
        z = F.interpolate(self.up(z), size=y.shape[-2:])  # (N, 4, H, W)
        kernel = z.mean((0, 2, 3)).reshape(4, 1, 1, 1)  # made from the image
        w = F.conv2d(z, kernel, groups=4)
        return w.mean((2, 3))


def test_operators_the_page_cannot_explain_are_drawn_and_named_opaque():
    ex = explain(Opaque(), image((10, 12, 3)))
    kinds = [(layer.ops[0], layer.kind) for layer in ex.layers]
    assert kinds == [
        ("conv", "conv"), ("add", "opaque"), ("transposed conv", "opaque"),
        ("upsample_nearest2d", "opaque"), ("mean", "opaque"), ("conv", "opaque"), ("mean", "mean"),
    ]  # fmt: skip
    for index, layer in enumerate(ex.layers):
        if layer.kind == "opaque":
            (step,) = ex.cell(index, [0] * len(layer.shape))["steps"]
            assert step["opaque"] and step["out"] == float(ex._pass.output(layer).reshape(-1)[0])
    assert "operators the page cannot compute" in ex.runs_in_page()
