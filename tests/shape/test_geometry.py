"""The Geometry value itself: fields, derived sizes and the views built on it, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.shape import (
    Geometry,
    conv_geometry,
    conv_output_size,
    explain,
    explain_geometry,
    pool_geometry,
    resolve_padding,
    transpose_geometry,
)


def test_a_geometry_reads_as_what_it_is():
    g = conv_geometry((224, 224), 7, 2, "same")
    assert g == Geometry("conv", (224, 224), (7, 7), (2, 2), (1, 1), ((2, 3), (2, 3)), (112, 112))
    assert repr(g).startswith("Geometry(kind='conv', size=(224, 224), kernel=(7, 7)")
    assert g.ndim == 2 and g.span == (7, 7) and g.padded == (229, 229)
    with pytest.raises(AttributeError):
        g.out = (1, 1)  # frozen: built once, checked once


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 12),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    output_padding=st.integers(0, 2),
    dilation=st.integers(1, 3),
)
def test_a_transposed_convolution_is_the_gradient_of_its_as_conv(
    size, kernel, stride, padding, output_padding, dilation
):
    """as_conv() is the convolution whose input gradient the transposed convolution is:
    torch's conv_transpose1d equals the gradient of conv1d on an input of size ``out``,
    through its first ``size`` windows (an output_padding of a stride or more, which a larger
    dilation allows, adds cells no window reads)."""
    if output_padding >= max(stride, dilation):
        return
    try:
        t = transpose_geometry(size, kernel, stride, padding, output_padding, dilation)
    except ValueError:
        return
    c = t.as_conv()
    assert (c.kind, c.size, c.out, c.pads) == ("conv", t.out, t.size, t.pads)
    assert c.padded == t.padded
    x = torch.zeros(1, 1, *c.size, requires_grad=True)
    w = torch.rand(1, 1, kernel, dtype=torch.float32)
    y = F.conv1d(x, w, stride=stride, padding=padding, dilation=dilation)
    assert y.shape[2] == c.out[0] + (output_padding >= stride) * (output_padding // stride)
    y = y[..., : c.out[0]]
    g = torch.rand_like(y)
    (grad,) = torch.autograd.grad(y, x, g)
    want = F.conv_transpose1d(g, w, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)  # fmt: skip
    torch.testing.assert_close(grad, want)


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 10), kernel=st.integers(1, 5), stride=st.integers(1, 3),
       dilation=st.integers(1, 2), data=st.data())  # fmt: skip
def test_overhang_is_what_a_ceil_mode_window_reads_past_the_padded_input(
    size, kernel, stride, dilation, data
):
    padding = data.draw(st.integers(0, kernel // 2))
    try:
        g = pool_geometry(size, kernel, stride, padding, dilation, ceil_mode=True)
    except ValueError:
        return
    (o,), (s,), (span,), (p,) = g.out, g.stride, g.span, g.padded
    assert g.overhang == (max(0, (o - 1) * s + span - p),)
    x = torch.arange(1.0, size + 1).reshape(1, 1, size)
    out = F.max_pool1d(x, kernel, stride, padding, dilation, ceil_mode=True)
    assert tuple(out.shape[2:]) == g.out


def test_views_agree_with_the_geometry():
    g = conv_geometry(16, 3, 2, "causal", 4)
    assert conv_output_size(16, 3, 2, "causal", 4) == g.out[0] == 8
    assert resolve_padding("causal", 16, 3, 2, 4) == g.pads == ((8, 0),)
    assert explain(16, 3, 2, "causal", 4) == explain_geometry(g)


def test_one_element_tuples_broadcast_and_the_first_sequence_sets_ndim():
    assert conv_geometry((8, 8), (3,), (2,), (1,)).out == (4, 4)
    with pytest.raises(ValueError, match=r"kernel_size must be .* tuple of 2 such ints"):
        conv_geometry((8, 8), (3, 3, 3))
    np.testing.assert_array_equal(conv_geometry((9, 9), 3, padding=((1, 2),)).pads, [[1, 2]] * 2)
