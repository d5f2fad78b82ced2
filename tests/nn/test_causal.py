"""padding='causal' end to end: shape, functional and the CausalConv1d layer, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab.functional as cf
from convolab.nn import CausalConv1d
from convolab.shape import conv_output_size, resolve_padding


@settings(max_examples=100, deadline=None)
@given(
    length=st.integers(1, 30),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 4),
    channels=st.integers(1, 3),
)
def test_causal_is_left_padding_of_the_dilated_span(length, kernel, stride, dilation, channels):
    """Layer, engine and shape all equal torch's conv1d on the input left-padded by
    d*(k-1), and the output length is ceil(L / s)."""
    torch.manual_seed(0)
    layer = CausalConv1d(channels, 2, kernel, stride, dilation=dilation).double()
    x = torch.randn(2, channels, length, dtype=torch.float64)
    padded = F.pad(x, (dilation * (kernel - 1), 0))
    want = F.conv1d(padded, layer.weight, layer.bias, stride, 0, dilation)
    torch.testing.assert_close(layer(x), want)
    ours = cf.conv1d(x.numpy(), layer.weight.detach().numpy(), layer.bias.detach().numpy(),
                     stride, "causal", dilation)  # fmt: skip
    np.testing.assert_allclose(ours, want.detach().numpy(), atol=1e-12)
    assert conv_output_size(length, kernel, stride, "causal", dilation) == -(-length // stride)
    assert resolve_padding("causal", length, kernel, stride, dilation) == (
        (dilation * (kernel - 1), 0),
    )


def test_outputs_never_see_the_future():
    layer = CausalConv1d(1, 4, 3, dilation=2)
    x = torch.randn(1, 1, 20)
    later = x.clone()
    later[..., 12:] += 5.0  # change the future from t = 12 on
    torch.testing.assert_close(layer(x)[..., :12], layer(later)[..., :12])
    assert not torch.allclose(layer(x)[..., 12:], layer(later)[..., 12:])


def test_layer_refuses_other_paddings():
    with pytest.raises(ValueError, match="padding must be 'causal', the only padding"):
        CausalConv1d(1, 1, 3, padding="same")
