"""Work counted per operator: against FlopCounterMode, a count by the NumPy engine, closed forms.

The engine counts products with all-ones operands: convolving ones with ones puts in each
output cell the number of products that cell took. The convention counts every kernel tap,
those over zero padding included (torch performs them), so the count runs on an input padded
with ones instead of zeros. A transposed convolution performs every (input element, kernel
tap) product whatever its padding (which only crops the output): its count runs without
padding, so that no product is cropped away.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convolab import functional as F
from convolab.models import create_model, list_models, summary

ENGINE = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
ENGINE_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
TORCH_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
TORCH_CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}


def flop_counts(model: nn.Module, size) -> dict[str, int]:
    """FLOPs per module (subtree totals, 'Global' for all) by torch's own counter, on meta."""
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(size, device="meta"))
    return {name: sum(ops.values()) for name, ops in counter.get_flop_counts().items()}


@pytest.mark.parametrize("name", list_models())
def test_every_row_equals_flop_counter_mode(name):
    """FLOPs = 2 x MACs for the model and for every module, at every depth."""
    result = summary(name, depth=99)
    with torch.device("meta"):
        model = create_model(name)
    counts = flop_counts(model, result.input_size)
    assert counts["Global"] == 2 * result.total_macs
    prefix = type(model).__name__ + "."
    for row in result.rows:
        assert counts.get(prefix + row.name, 0) == 2 * row.macs, row.name


def _children(rows, parent: str):
    depth = parent.count(".") + 2
    return [r for r in rows if r.depth == depth and r.name.startswith(parent + ".")]


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "vgg11_bn", "lenet5"])
def test_parents_are_children_plus_own_operators(name):
    """No row counts work twice: children sum to the parent; the top level to the total."""
    rows = summary(name, depth=99).rows
    for row in rows:
        children = _children(rows, row.name)
        if children:
            own = row.macs - sum(c.macs for c in children)
            assert own == 0, row.name  # the zoo's containers run no operator of their own
            assert row.saved_bytes == sum(c.saved_bytes for c in children)
    top = [r for r in rows if r.depth == 1]
    assert sum(r.macs for r in top) == summary(name).total_macs


def engine_conv_count(x_shape, w_shape, stride, padding, dilation, groups) -> int:
    """Products of a convolution counted by the NumPy engine on ones padded with ones."""
    pads = [(p, p) for p in padding]
    x = np.pad(np.ones(x_shape), [(0, 0), (0, 0), *pads], constant_values=1.0)
    out = ENGINE[len(padding)](x, np.ones(w_shape), None, stride, 0, dilation, groups)
    return int(np.rint(out.sum()))


def engine_transpose_count(x_shape, w_shape, stride, dilation, groups) -> int:
    """Products of a transposed convolution: every input element times every tap it meets."""
    ndim = len(stride)
    conv_t = ENGINE_T[ndim]
    out = conv_t(np.ones(x_shape), np.ones(w_shape), None, stride, 0, 0, groups, dilation)
    return int(np.rint(out.sum()))


@st.composite
def conv_cases(draw):
    ndim = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2, 3]))
    c_in = groups * draw(st.integers(1, 3))
    depthwise = draw(st.booleans())
    c_out = c_in if depthwise else groups * draw(st.integers(1, 3))
    groups = c_in if depthwise else groups
    per_dim = st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)
    kernel, stride, dilation = draw(per_dim), draw(per_dim), draw(per_dim)
    padding = draw(st.lists(st.integers(0, 2), min_size=ndim, max_size=ndim))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    size = [draw(st.integers(max(1, s - 2 * p), s + 6)) for s, p in zip(span, padding)]
    batch = draw(st.integers(1, 2))
    transposed = draw(st.booleans())
    return ndim, batch, c_in, c_out, groups, kernel, stride, padding, dilation, size, transposed


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_convolutions_equal_the_engine_count(case):
    """Transposed, grouped, depthwise, dilated, strided 1-D/2-D/3-D convolutions."""
    ndim, batch, c_in, c_out, groups, kernel, stride, padding, dilation, size, transposed = case
    x_shape = (batch, c_in, *size)
    if transposed:
        if not _fits_t(size, kernel, stride, padding, dilation):
            return
        layer = TORCH_CONV_T[ndim](
            c_in, c_out, kernel, stride, padding, 0, groups, dilation=dilation
        )
        w_shape = (c_in, c_out // groups, *kernel)
        expected = engine_transpose_count(x_shape, w_shape, stride, dilation, groups)
        out_shape = layer(torch.zeros(x_shape)).shape
    else:
        layer = TORCH_CONV[ndim](c_in, c_out, kernel, stride, padding, dilation, groups)
        w_shape = (c_out, c_in // groups, *kernel)
        expected = engine_conv_count(x_shape, w_shape, stride, padding, dilation, groups)
        out_shape = layer(torch.zeros(x_shape)).shape
    result = summary(layer, x_shape, depth=1)
    assert result.total_macs == expected
    assert result.total_elementwise == math.prod(out_shape)  # the bias, apart
    assert result.rows[0].kernel == tuple(kernel) and result.rows[0].groups == groups


def _fits_t(size, kernel, stride, padding, dilation) -> bool:
    """A transposed convolution's output is not empty after cropping ``padding``."""
    return all(
        (w - 1) * s - 2 * p + d * (k - 1) + 1 >= 1
        for w, k, s, p, d in zip(size, kernel, stride, padding, dilation)
    )


def test_transposed_convolution_counts_from_its_input():
    """Issue 17's case: ConvTranspose2d(3, 1, 2, stride=2) on 2x2 performs 48 products."""
    layer = nn.ConvTranspose2d(3, 1, 2, stride=2, bias=False)
    assert summary(layer, (1, 3, 2, 2)).total_macs == 48 == 3 * 2 * 2 * (1 * 2 * 2)


class Functional(nn.Module):
    """A model whose work is written in forward: F.conv2d, @, einsum and a child layer."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 3, 3, 3))
        self.proj = nn.Parameter(torch.randn(16, 5))
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        y = TF.conv2d(x, self.weight, padding=1).relu()  # (N, 8, H, W)
        z = y.flatten(2) @ torch.ones(y.shape[-1] * y.shape[-2], 4, device=x.device)  # (N, 8, 4)
        z = torch.einsum("nci,ij->ncj", z, self.proj[:4])  # (N, 8, 5)
        return self.head(z)  # (N, 8, 2): a dense layer over a middle dimension


def test_functional_calls_in_forward_are_counted():
    n, h, w = 2, 6, 7
    result = summary(Functional(), (n, 3, h, w))
    conv = n * 8 * h * w * 3 * 9
    matmul = n * 8 * (h * w) * 4
    einsum = n * 8 * 4 * 5
    dense = n * 8 * 5 * 2  # all dimensions, the middle one included
    assert result.total_macs == conv + matmul + einsum + dense
    rows = {r.name: r for r in result.rows}
    assert rows["head"].macs == dense
    assert rows["(forward)"].macs == conv + matmul + einsum
    assert rows["(forward)"].params == 8 * 27 + 16 * 5
    assert flop_counts(Functional().to("meta"), (n, 3, h, w))["Global"] == 2 * result.total_macs


class Shared(nn.Module):
    """One convolution called twice and a ReLU shared by both calls."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(self.act(self.conv(x))))


def test_a_module_called_twice_is_one_row_with_both_calls():
    result = summary(Shared(), (1, 4, 5, 5))
    rows = {r.name: r for r in result.rows}
    assert rows["conv"].calls == 2 and rows["act"].calls == 2
    assert rows["conv"].macs == 2 * 25 * 4 * 4 * 9 == result.total_macs
    assert rows["conv"].receptive_field == (5, 5)  # the last call's output


def test_dense_layers_count_every_dimension():
    layer = nn.Linear(7, 3)
    result = summary(layer, (2, 5, 7))
    assert result.total_macs == 2 * 5 * 7 * 3
    assert result.total_elementwise == 2 * 5 * 3  # the bias, apart
