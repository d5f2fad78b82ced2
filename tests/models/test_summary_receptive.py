"""Receptive fields of the summary against the input gradient of one output cell.

With positive weights (1 / fan-in), a positive input and batch norm in eval mode, no product
vanishes and no sum cancels, so the input cells whose gradient is non-zero are exactly the
cells one output cell depends on; their extent along each dimension is its receptive field
(cut to the input). Max pooling passes the gradient to one cell per window only, so for the
gradient it is replaced by a depthwise all-positive convolution with the same window.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from _positive import positive
from convolab import shape
from convolab.models import create_model, summary


class WindowSum(nn.Module):
    """A max pooling's window as a depthwise all-ones convolution (its gradient is dense)."""

    def __init__(self, pool: nn.MaxPool2d):
        super().__init__()
        self.pool = pool

    def forward(self, x):
        p = self.pool
        weight = torch.ones(x.shape[1], 1, *nn.modules.utils._pair(p.kernel_size), dtype=x.dtype)
        return nn.functional.conv2d(x, weight, None, p.stride, p.padding, p.dilation, x.shape[1])


def _dense_pools(model: nn.Module) -> nn.Module:
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.MaxPool2d):
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent) if parent else model, child, WindowSum(module))
    return model


class _Reached(Exception):
    """Raised by a forward hook to stop the pass once the layer of interest has run."""


def gradient_extent(model: nn.Module, x: torch.Tensor, layer: str, index, calls: int = 1):
    """Per dimension, the first and last input index with a non-zero gradient for the output
    cell ``index`` (summed over channels) of module ``layer`` at its last of ``calls`` calls
    (the summary describes a module's last output)."""
    outputs = {"calls": 0}

    def keep(module, args, output):
        outputs["calls"] += 1
        if outputs["calls"] == calls:
            outputs["y"] = output
            raise _Reached  # the layers after it do not matter

    handle = model.get_submodule(layer).register_forward_hook(keep)
    x = x.clone().requires_grad_(True)
    try:
        model(x)
    except _Reached:
        pass
    finally:
        handle.remove()
    (grad,) = torch.autograd.grad(outputs["y"][0, :, index[0], index[1]].sum(), x)
    support = grad[0].abs().sum(0) > 0  # (H, W)
    extents = []
    for axis in (1, 0):  # rows: any column; columns: any row
        hit = torch.nonzero(support.any(axis)).flatten()
        extents.append((int(hit.min()), int(hit.max())))
    return extents


def expected_extent(row, index, size):
    """The reported field of cell ``index``, cut to the input of ``size``."""
    return [
        (max(0, st + i * j), min(w - 1, st + i * j + rf - 1))
        for st, j, rf, i, w in zip(row.start, row.jump, row.receptive_field, index, size)
    ]


def allocated(name: str) -> nn.Module:
    """A zoo model whose tensors are allocated but not initialised: :func:`positive` sets
    every weight (VGG's random initialisation of 133M parameters alone takes seconds)."""
    with torch.device("meta"):
        model = create_model(name)
    return model.to_empty(device="cpu")


def check_rows(model: nn.Module, input_size) -> int:
    """Every row with a receptive field agrees with the gradient; returns how many."""
    rows = summary(model, input_size, depth=99).rows
    gradient_model = _dense_pools(positive(model))
    x = torch.rand(input_size) + 0.5  # positive: no product vanishes
    checked = 0
    for row in rows:
        if row.receptive_field is None:
            continue
        index = tuple(s // 2 for s in row.output_shape[2:])  # a cell in the middle
        extent = gradient_extent(gradient_model, x, row.name, index, row.calls)
        assert extent == expected_extent(row, index, input_size[2:]), row.name
        checked += 1
    return checked


def test_resnet18_every_layer_small_input():
    """Residual blocks (the widest path: main branch and shortcut) and the stem's pooling;
    the deep layers' fields are cut by the border of this small input."""
    assert check_rows(allocated("resnet18"), (1, 3, 96, 32)) >= 60


@pytest.mark.slow
def test_resnet18_every_layer_whole_fields():
    """Rows of 480 hold layer4's 435-cell field whole around the middle cell."""
    assert check_rows(allocated("resnet18"), (1, 3, 480, 32)) >= 60


@pytest.mark.slow
def test_vgg11_every_layer():
    assert check_rows(allocated("vgg11"), (1, 3, 224, 40)) >= 20


def test_vgg11_features_small_input():
    assert check_rows(allocated("vgg11").features, (1, 3, 64, 32)) >= 20


@st.composite
def stacks(draw):
    """A random stack of convolutions and poolings, and an input size every layer fits."""
    layers, specs, channels = [], [], 2
    for _ in range(draw(st.integers(1, 4))):
        k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
        p = draw(st.integers(0, (k - 1) // 2 if k > 1 else 0))
        if draw(st.booleans()):
            layers.append(nn.Conv2d(channels, 3, k, s, p, d))
            channels = 3
        else:
            p = min(p, k // 2)  # torch: pooling padding at most half the kernel
            layers.append(nn.MaxPool2d(k, s, p, d))
        specs.append((k, s, p, d))
    size = 3  # output cells of the last layer
    for k, s, p, d in reversed(specs):  # the input size giving them
        size = max(1, (size - 1) * s + d * (k - 1) + 1 - 2 * p)
    # Room around the middle cell's field: a field cut by the border may have holes there
    # (dilation, strides over kernels), and its first and last cells would move.
    size += 2 * shape.receptive_field(specs)[-1].size + draw(st.integers(0, 6))
    return nn.Sequential(*layers), specs, size


@settings(max_examples=25, deadline=None)
@given(stacks())
def test_random_stack_matches_gradient_and_shape_module(case):
    model, specs, size = case
    rows = summary(model, (1, 2, size, size), depth=1).rows
    fields = shape.receptive_field(specs)
    for row, field in zip(rows, fields):
        assert row.receptive_field == (field.size,) * 2
        assert row.jump == (field.jump,) * 2 and row.start == (field.start,) * 2
    check_rows(model, (1, 2, size, size))


def test_concatenation_takes_the_widest_branch():
    class TwoBranches(nn.Module):
        def __init__(self):
            super().__init__()
            self.narrow = nn.Conv2d(1, 2, 1)
            self.wide = nn.Conv2d(1, 2, 5, padding=2)

        def forward(self, x):
            return torch.cat([self.narrow(x), self.wide(x)], 1)

    model = nn.Sequential(TwoBranches())
    rows = {r.name: r for r in summary(model, (1, 1, 9, 9)).rows}
    assert rows["0.narrow"].receptive_field == (1, 1)
    assert rows["0"].receptive_field == (5, 5) and rows["0"].start == (-2, -2)
    assert check_rows(model, (1, 1, 9, 9)) == 3


def test_layers_without_a_window_have_no_field():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ConvTranspose2d(2, 2, 2, stride=2), nn.Flatten())
    rows = summary(model, (1, 1, 8, 8)).rows
    assert rows[0].receptive_field == (3, 3)
    assert rows[1].receptive_field is None and rows[2].receptive_field is None


@pytest.mark.parametrize(
    ("model", "size", "expected"),
    [
        # adaptive pooling with even windows is a plain pooling: 8 -> 4 is kernel 2, stride 2
        (nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.AdaptiveAvgPool2d(4)), 8, (4, 2, -1)),
        # uneven windows (7 -> 3) have no single size
        (nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.AdaptiveAvgPool2d(3)), 7, None),
    ],
)
def test_adaptive_pooling(model, size, expected):
    row = summary(model, (1, 1, size, size)).rows[-1]
    got = (
        None if row.receptive_field is None else (row.receptive_field[0], row.jump[0], row.start[0])
    )
    assert got == expected
