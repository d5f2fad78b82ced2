"""Conv{1,2,3}dSame and pad_same against explicit F.pad + convolution and PyTorch's own 'same'.

The reference pads with ``convolab.shape.same_padding`` pairs through ``F.pad`` and runs the
functional convolution with padding 0; at stride 1 PyTorch's ``padding='same'`` (an
independent implementation) must agree too. Output sizes are checked against ``ceil(W / s)``.
"""

import importlib.util
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convolab.nn import Conv1dSame, Conv2dSame, Conv3dSame, pad_same
from convolab.shape import same_padding

LAYERS = {1: Conv1dSame, 2: Conv2dSame, 3: Conv3dSame}
TORCH = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
F_MODE = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}


def _reference(layer, x, mode):
    n = x.dim() - 2
    pairs = same_padding(tuple(x.shape[2:]), layer.kernel_size, layer.stride, layer.dilation)
    flat = [v for lo, hi in reversed(pairs) for v in (lo, hi)]
    padded = F.pad(x, flat, mode=F_MODE[mode])
    return CONV[n](
        padded, layer.weight, layer.bias, layer.stride, 0, layer.dilation, layer.groups
    ), pairs


@st.composite
def configs(draw):
    n = draw(st.integers(1, 3))
    per_dim = st.lists(st.integers(1, 5), min_size=n, max_size=n)
    kernel = tuple(draw(per_dim))
    stride = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    dilation = tuple(draw(st.lists(st.integers(1, 2), min_size=n, max_size=n)))
    size = tuple(draw(st.lists(st.integers(1, 12 if n < 3 else 6), min_size=n, max_size=n)))
    groups = draw(st.sampled_from([1, 2]))
    mode = draw(st.sampled_from(list(F_MODE)))
    bias = draw(st.booleans())
    return n, kernel, stride, dilation, size, groups, mode, bias


@settings(max_examples=80, deadline=None)
@given(configs(), st.integers(0, 2**31 - 1))
def test_matches_explicit_pad_and_conv(config, seed):
    n, kernel, stride, dilation, size, groups, mode, bias = config
    pairs = same_padding(size, kernel, stride, dilation)
    if mode in ("reflect", "circular"):  # F.pad needs the padding inside the input
        assume(all(max(p) < w for p, w in zip(pairs, size)))
    torch.manual_seed(seed)
    layer = LAYERS[n](
        2 * groups,
        3 * groups,
        kernel,
        stride,
        dilation=dilation,
        groups=groups,
        bias=bias,
        padding_mode=mode,
    ).double()
    x = torch.randn(2, 2 * groups, *size, dtype=torch.float64, requires_grad=True)
    out = layer(x)
    expected, _ = _reference(layer, x, mode)
    assert out.shape[2:] == tuple(math.ceil(w / s) for w, s in zip(size, stride))
    torch.testing.assert_close(out, expected, rtol=1e-10, atol=1e-10)
    grad = torch.randn_like(out)
    (got,) = torch.autograd.grad(out, x, grad)
    (want,) = torch.autograd.grad(expected, x, grad)
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel:UserWarning")
@settings(max_examples=50, deadline=None)
@given(configs(), st.integers(0, 2**31 - 1))
def test_stride_one_matches_pytorch_same(config, seed):
    n, kernel, _, dilation, size, groups, mode, bias = config
    pairs = same_padding(size, kernel, 1, dilation)
    if mode in ("reflect", "circular"):
        assume(all(max(p) < w for p, w in zip(pairs, size)))
    torch.manual_seed(seed)
    ours = LAYERS[n](
        2 * groups,
        3 * groups,
        kernel,
        dilation=dilation,
        groups=groups,
        bias=bias,
        padding_mode=mode,
    ).double()
    theirs = TORCH[n](
        2 * groups,
        3 * groups,
        kernel,
        padding="same",
        dilation=dilation,
        groups=groups,
        bias=bias,
        padding_mode=mode,
    ).double()
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(1, 2 * groups, *size, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x), rtol=1e-10, atol=1e-10)
    assert ours.same_pairs == pairs


def test_224_k7_s2_pads_2_before_3_after():
    assert same_padding(224, 7, 2) == (2, 3)
    torch.manual_seed(0)
    layer = Conv2dSame(3, 8, 7, stride=2)
    x = torch.randn(1, 3, 224, 224)
    expected = F.conv2d(F.pad(x, (2, 3, 2, 3)), layer.weight, layer.bias, stride=2)
    assert layer(x).shape == (1, 8, 112, 112)
    torch.testing.assert_close(layer(x), expected, rtol=0, atol=1e-5)
    assert pad_same(x, 7, 2).shape == (1, 3, 229, 229)


def test_static_padding_choice():
    symmetric = Conv2dSame(1, 1, 3, dilation=2)
    assert symmetric.padding == (2, 2) and symmetric.same_pairs == ((2, 2), (2, 2))
    odd = Conv2dSame(1, 1, (4, 3))
    assert odd.padding == (0, 0) and odd.same_pairs == ((1, 2), (1, 1))
    strided = Conv1dSame(1, 1, 3, stride=2)
    assert strided.same_pairs is None
    assert "padding='same' (per call)" in repr(strided)
    assert "static ((1, 2), (1, 1))" in repr(odd)


def test_drop_in_state_dict_and_isinstance():
    layer = Conv2dSame(3, 4, 5, stride=2, bias=False)
    assert isinstance(layer, torch.nn.Conv2d)
    plain = torch.nn.Conv2d(3, 4, 5, stride=2, bias=False)
    plain.load_state_dict(layer.state_dict(), strict=True)


def test_pad_same_value_and_modes():
    x = torch.arange(5.0).reshape(1, 1, 5)
    torch.testing.assert_close(
        pad_same(x, 4, value=-1.0), torch.tensor([[[-1.0, 0, 1, 2, 3, 4, -1, -1]]])
    )
    torch.testing.assert_close(
        pad_same(x, 4, mode="replicate"), torch.tensor([[[0.0, 0, 1, 2, 3, 4, 4, 4]]])
    )
    assert pad_same(x, 1, 1) is x  # nothing to pad
    y = torch.zeros(2, 3, 10, 9, 8)
    assert pad_same(y, (3, 4), (2, 2)).shape == (2, 3, 10, 11, 10)  # last two dims only


def test_errors():
    with pytest.raises(ValueError, match=r"padding must be 'same', the only padding"):
        Conv2dSame(1, 1, 3, padding=1)
    with pytest.raises(ValueError, match=r"padding_mode must be one of 'zeros'"):
        Conv2dSame(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match=r"kernel_size must be an int >= 1 or a tuple of 2"):
        Conv2dSame(1, 1, (3, 3, 3))
    with pytest.raises(ValueError, match=r"mode must be one of 'constant'"):
        pad_same(torch.zeros(1, 1, 4), 3, mode="zeros")
    with pytest.raises(TypeError, match=r"x must be a torch\.Tensor"):
        pad_same([1, 2, 3], 3)
    with pytest.raises(ValueError, match=r"x\.shape must be a shape with channels and 3"):
        pad_same(torch.zeros(4, 4), (3, 3, 3))


@pytest.mark.parametrize(
    ("kernel", "stride", "mode"),
    [(7, 2, "zeros"), (4, 1, "reflect"), (3, 1, "zeros"), (4, 3, "circular")],
)
def test_torch_export(kernel, stride, mode):
    layer = Conv2dSame(3, 4, kernel, stride=stride, padding_mode=mode).eval()
    x = torch.randn(1, 3, 20, 17)
    program = torch.export.export(layer, (x,))
    torch.testing.assert_close(program.module()(x), layer(x), rtol=0, atol=1e-6)


def test_torch_export_dynamic_sizes_at_stride_one():
    """At stride 1 the padding is static, so spatial sizes may stay symbolic."""
    layer = Conv2dSame(3, 4, 4).eval()
    h, w = torch.export.Dim("h", min=4, max=64), torch.export.Dim("w", min=4, max=64)
    program = torch.export.export(
        layer, (torch.randn(1, 3, 20, 17),), dynamic_shapes={"x": {2: h, 3: w}}
    )
    y = torch.randn(1, 3, 33, 40)
    torch.testing.assert_close(program.module()(y), layer(y), rtol=0, atol=1e-6)


def test_torch_compile():
    """Dynamo traces the layer (the aot_eager backend skips code generation, keeping it fast)."""
    torch._dynamo.reset()
    layer = Conv2dSame(3, 4, 7, stride=2).eval()
    compiled = torch.compile(layer, backend="aot_eager")
    for size in ((20, 17), (21, 19)):
        x = torch.randn(1, 3, *size)
        torch.testing.assert_close(compiled(x), layer(x), rtol=0, atol=1e-6)


@pytest.mark.skipif(importlib.util.find_spec("onnx") is None, reason="onnx is not installed")
def test_onnx_export(tmp_path):
    layer = Conv2dSame(3, 4, 7, stride=2).eval()
    torch.onnx.export(layer, (torch.randn(1, 3, 20, 17),), str(tmp_path / "conv.onnx"))
    assert (tmp_path / "conv.onnx").stat().st_size > 0
