"""Output sizes against the shapes PyTorch actually produces."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.shape import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
    resolve_padding,
    same_padding,
)

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


@st.composite
def window(draw, max_size=12):
    """ndim plus per-dimension size, kernel, stride, dilation with a kernel that fits."""
    ndim = draw(st.integers(1, 3))
    per_dim = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(ndim))  # noqa: E731
    size = per_dim(1, max_size)
    stride, dilation = per_dim(1, 4), per_dim(1, 3)
    kernel = tuple(draw(st.integers(1, max(1, w // d + 1))) for w, d in zip(size, dilation))
    return ndim, size, kernel, stride, dilation


def _as_arg(values: tuple[int, ...]):
    return values[0] if len(values) == 1 else values


def _shape_of(out) -> tuple[int, ...]:
    return tuple(out) if isinstance(out, tuple) else (out,)


@settings(max_examples=500)
@given(window(), st.data())
def test_conv_output_size_matches_torch(win, data):
    ndim, size, kernel, stride, dilation = win
    padding = tuple(data.draw(st.integers(0, 3)) for _ in range(ndim))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(span > w + 2 * p for span, w, p in zip(spans, size, padding)):
        with pytest.raises(ValueError, match="kernel_size must be"):
            conv_output_size(size, kernel, stride, padding, dilation)
        return
    x = torch.zeros(1, 1, *size)
    w = torch.zeros(1, 1, *kernel)
    expected = CONV[ndim](x, w, stride=stride, padding=padding, dilation=dilation).shape[2:]
    got = conv_output_size(
        _as_arg(size), _as_arg(kernel), _as_arg(stride), _as_arg(padding), _as_arg(dilation)
    )
    assert _shape_of(got) == tuple(expected)


@settings(max_examples=500)
@given(window(), st.data())
def test_conv_with_per_side_padding_matches_torch_pad(win, data):
    ndim, size, kernel, stride, dilation = win
    pairs = tuple((data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))) for _ in range(ndim))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(span > w + lo + hi for span, w, (lo, hi) in zip(spans, size, pairs)):
        return
    x = torch.zeros(1, 1, *size)
    flat = [v for lo_hi in reversed(pairs) for v in lo_hi]  # F.pad wants the last dim first
    out = CONV[ndim](F.pad(x, flat), torch.zeros(1, 1, *kernel), stride=stride, dilation=dilation)
    assert _shape_of(conv_output_size(size, kernel, stride, pairs, dilation)) == out.shape[2:]


@settings(max_examples=500)
@given(window(max_size=8), st.data())
def test_conv_transpose_output_size_matches_torch(win, data):
    ndim, size, kernel, stride, dilation = win
    padding = tuple(data.draw(st.integers(0, 2)) for _ in range(ndim))
    output_padding = tuple(
        data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation)
    )
    expected_sizes = [
        (w - 1) * s - 2 * p + d * (k - 1) + op + 1
        for w, s, p, d, k, op in zip(size, stride, padding, dilation, kernel, output_padding)
    ]
    if min(expected_sizes) < 1:
        with pytest.raises(ValueError, match="padding must be"):
            conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation)
        return
    x = torch.zeros(1, 1, *size)
    w = torch.zeros(1, 1, *kernel)
    out = CONV_T[ndim](
        x, w, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation
    )
    got = conv_transpose_output_size(
        _as_arg(size),
        _as_arg(kernel),
        _as_arg(stride),
        _as_arg(padding),
        _as_arg(output_padding),
        _as_arg(dilation),
    )
    assert _shape_of(got) == tuple(out.shape[2:])


def _torch_pool_shape(size, kernel, stride, padding, dilation, ceil_mode, use_max):
    """torch's output shape, or None where torch refuses the sizes."""
    x = torch.zeros(1, 1, *size)
    ndim = len(size)
    try:
        if use_max:
            out = MAX_POOL[ndim](x, kernel, stride, padding, dilation, ceil_mode=ceil_mode)
        else:
            out = AVG_POOL[ndim](x, kernel, stride, padding, ceil_mode=ceil_mode)
    except RuntimeError:
        return None
    return tuple(out.shape[2:])


@settings(max_examples=800)
@given(window(), st.data(), st.booleans(), st.booleans())
def test_pool_output_size_matches_torch(win, data, ceil_mode, use_max):
    """Sizes and refusals as torch's; under ceil_mode a window may be longer than the padded
    input when it starts inside it (torch keeps it)."""
    ndim, size, kernel, stride, dilation = win
    if not use_max:
        dilation = (1,) * ndim  # avg_pool has no dilation
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    if ceil_mode:  # also kernels longer than the padded input
        kernel = tuple(data.draw(st.integers(k, k + 3)) for k in kernel)
        padding = tuple(min(p, k // 2) for p, k in zip(padding, kernel))
    if ndim == 3 and not use_max and any(w < k for w, k in zip(size, kernel)):
        return  # torch's avg_pool3d alone also refuses an unpadded input smaller than the kernel
    expected = _torch_pool_shape(size, kernel, stride, padding, dilation, ceil_mode, use_max)
    if expected is None:
        with pytest.raises(ValueError, match="kernel_size must be"):
            pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
        return
    got = pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    assert _shape_of(got) == expected


def test_ceil_mode_keeps_a_window_longer_than_the_input():
    """torch: max_pool1d(zeros(1, 1, 1), 2, 2, ceil_mode=True) is (1, 1, 1)."""
    assert pool_output_size(1, 2, 2, ceil_mode=True) == 1
    assert pool_output_size(2, 5, 3, padding=1, ceil_mode=True) == 1
    with pytest.raises(ValueError, match=r"fits in the padded input 1 \+ 0 \+ 0 \+ 2 - 1"):
        pool_output_size(1, 3, 2, ceil_mode=True)
    with pytest.raises(ValueError, match="kernel_size must be"):
        pool_output_size(1, 2, 2)


@settings(max_examples=500)
@given(window(max_size=16))
def test_same_padding_gives_ceil_size_over_stride(win):
    ndim, size, kernel, stride, dilation = win
    pairs = same_padding(size, kernel, stride, dilation)
    assert pairs == resolve_padding("same", size, kernel, stride, dilation)
    x = torch.zeros(1, 1, *size)
    flat = [v for lo_hi in reversed(pairs) for v in lo_hi]
    out = CONV[ndim](F.pad(x, flat), torch.zeros(1, 1, *kernel), stride=stride, dilation=dilation)
    assert tuple(out.shape[2:]) == tuple(-(-w // s) for w, s in zip(size, stride))
    assert all(0 <= hi - lo <= 1 for lo, hi in pairs)  # TensorFlow puts the odd cell after


def test_pool_stride_defaults_to_kernel():
    assert pool_output_size(55, 3) == 18
    assert pool_output_size((55, 55), 3, stride=2) == (27, 27)


def test_scalar_calls_return_ints_and_tuple_calls_tuples():
    assert conv_output_size(224, 11, stride=4, padding=2) == 55
    assert conv_output_size((224, 224), 11, stride=4, padding=2) == (55, 55)
    assert conv_output_size((32, 100), (4, 4), padding="same") == (32, 100)
    assert conv_output_size(10, 3, padding="valid") == 8
