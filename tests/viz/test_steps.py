"""The conv2d frames highlight exactly the engine's windows (and torch's), frame by frame."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab import functional, shape, viz
from convolab.viz import conv_steps, transpose_steps

ISSUE_CASE = dict(size=(9, 14), kernel_size=(5, 5), stride=(2, 1), padding=0, dilation=(1, 2))


def _engine_windows(size, kernel_size, stride, padding, dilation):
    """The engine's windows of an index grid whose padding cells hold -1: (oh, ow, kh, kw)."""
    pads = shape.resolve_padding(padding, size, kernel_size, stride, dilation)
    ids = np.arange(size[0] * size[1]).reshape(1, 1, *size)
    (top, bottom), (left, right) = pads
    padded = functional.pad(ids, (left, right, top, bottom), value=-1)
    return functional.sliding_windows(padded, kernel_size, stride, dilation)[0, 0]


def _torch_windows(size, kernel_size, stride, padding, dilation):
    """Independent reference: torch's unfold of (index + 1), zero padding read back as -1."""
    ids = torch.arange(1, size[0] * size[1] + 1, dtype=torch.float64).reshape(1, 1, *size)
    cols = torch.nn.functional.unfold(ids, kernel_size, dilation, padding, stride)  # (1, K, L)
    out = shape.conv_output_size(size, kernel_size, stride, padding, dilation)
    windows = cols[0].T.reshape(*out, *kernel_size).numpy().astype(int) - 1
    return windows  # (oh, ow, kh, kw)


def _check_conv(size, kernel_size, stride, padding, dilation):
    frames = conv_steps(size, kernel_size, stride, padding, dilation)
    engine = _engine_windows(size, kernel_size, stride, padding, dilation)
    reference = _torch_windows(size, kernel_size, stride, padding, dilation)
    assert len(frames) == engine.shape[0] * engine.shape[1]
    for k, frame in enumerate(frames):
        i, j = divmod(k, engine.shape[1])
        assert frame.output == (i, j)
        np.testing.assert_array_equal(frame.inputs, engine[i, j])
        np.testing.assert_array_equal(frame.inputs, reference[i, j])
        # the padded-grid cells: input cells sit at their index shifted by the padding
        pads = shape.resolve_padding(padding, size, kernel_size, stride, dilation)
        real = frame.inputs >= 0
        rows, cols = np.divmod(frame.inputs[real], size[1])
        np.testing.assert_array_equal(
            frame.cells[real], np.stack([rows + pads[0][0], cols + pads[1][0]], axis=-1)
        )


def test_issue_case_windows():
    _check_conv(**ISSUE_CASE)
    frames = conv_steps(**ISSUE_CASE)
    assert len(frames) == 3 * 6
    # dilation (1, 2): the taps of one row are two columns apart, with gaps between
    assert np.all(np.diff(frames[0].cells[0, :, 1]) == 2)


@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    dh=st.integers(1, 3),
    dw=st.integers(1, 3),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
)
@settings(max_examples=60)
def test_random_cases_match_torch_unfold(h, w, kh, kw, sh, sw, dh, dw, ph, pw):
    if dh * (kh - 1) + 1 > h + 2 * ph or dw * (kw - 1) + 1 > w + 2 * pw:
        with pytest.raises(ValueError, match="kernel_size must be a kernel whose dilated span"):
            conv_steps((h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
        return
    _check_conv((h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw))


def _check_transpose(size, kernel_size, stride, padding, dilation):
    """Scatter sets against torch: a one-hot input through an all-ones kernel."""
    frames = transpose_steps(size, kernel_size, stride, padding, dilation)
    out = shape.conv_transpose_output_size(size, kernel_size, stride, padding, 0, dilation)
    assert len(frames) == size[0] * size[1]
    ones = torch.ones(1, 1, *kernel_size, dtype=torch.float64)
    for k, frame in enumerate(frames):
        assert frame.input == divmod(k, size[1])
        x = torch.zeros(1, 1, *size, dtype=torch.float64)
        x[0, 0, frame.input[0], frame.input[1]] = 1
        y = torch.nn.functional.conv_transpose2d(
            x, ones, stride=stride, padding=padding, dilation=dilation
        )[0, 0].numpy()
        written = np.bincount(frame.outputs[frame.outputs >= 0], minlength=out[0] * out[1])
        np.testing.assert_array_equal(written.reshape(out), y)
        cropped = frame.outputs < 0  # exactly the taps that land in the cropped border
        r, c = frame.cells[..., 0] - padding[0], frame.cells[..., 1] - padding[1]
        np.testing.assert_array_equal(cropped, (r < 0) | (r >= out[0]) | (c < 0) | (c >= out[1]))


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding", "dilation"),
    [
        ((3, 4), (3, 3), (2, 2), (1, 1), (1, 2)),
        ((4, 4), (2, 3), (1, 2), (0, 1), (2, 1)),
        ((2, 5), (4, 2), (3, 1), (2, 0), (1, 1)),
    ],
)
def test_transpose_scatter_matches_torch(size, kernel_size, stride, padding, dilation):
    _check_transpose(size, kernel_size, stride, padding, dilation)


@given(
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    d=st.integers(1, 2),
    p=st.integers(0, 1),
)
@settings(max_examples=25)
def test_transpose_random_cases(h, w, k, s, d, p):
    if (min(h, w) - 1) * s - 2 * p + d * (k - 1) + 1 < 1:
        return  # padding would crop the whole output
    _check_transpose((h, w), (k, k), (s, s), (p, p), (d, d))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conv_steps((9, 9), 3, stride=0), r"stride must be an int >= 1"),
        (lambda: conv_steps((9, 9), 3, dilation=(1, 0)), r"dilation must be an int >= 1"),
        (lambda: conv_steps((4, 4), 3, dilation=2), r"fits in the padded input 4 \+ 0 \+ 0 = 4"),
        (
            lambda: viz.animate_conv2d((33, 5), 3),
            r"input_size must be at most 32x32 cells for a "
            r"readable animation, got '33x5'",
        ),
        (lambda: viz.animate_conv2d((31, 31), 3, padding=1), r"padded input must be at most 32x32"),
        (
            lambda: viz.animate_conv2d((20, 20), 3, stride=2, transposed=True),
            r"output must be at most 32x32 cells",
        ),
    ],
)
def test_bad_sizes(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_causal_padding_windows():
    """'causal' pads d*(k-1) before each axis: the first window reads padding but its last
    tap, the input's first cell, and no window reads past its own output cell."""
    frames = conv_steps((6, 7), (3, 3), 1, "causal", (1, 2))
    assert len(frames) == 6 * 7
    np.testing.assert_array_equal(frames[0].inputs[:-1, :], -1)
    assert frames[0].inputs[-1, -1] == 0
    for frame in frames:
        i, j = frame.output
        read = frame.inputs[frame.inputs >= 0]
        assert np.all(read // 7 <= i) and np.all(read % 7 <= j)
