"""TensorFlow 'SAME' padding, padding resolution and padding for a wanted size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.shape import conv_output_size, padding_for, resolve_padding, same_padding


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "dilation", "expected"),
    [
        (224, 7, 2, 1, (2, 3)),  # the worked example of the issue
        (225, 7, 2, 1, (3, 3)),
        (32, 4, 1, 1, (1, 2)),  # even kernel: the odd cell goes after
        (5, 3, 1, 2, (2, 2)),
        (10, 1, 3, 1, (0, 0)),
        (3, 7, 1, 1, (3, 3)),  # padding larger than the input
    ],
)
def test_same_padding_worked_examples(size, kernel, stride, dilation, expected):
    assert same_padding(size, kernel, stride, dilation) == expected


def _tf_same(w, k, s, d):
    """TensorFlow's get_windowed_output_size_verbose for SAME, written independently."""
    out = (w + s - 1) // s
    needed = max(0, (out - 1) * s + (k - 1) * d + 1 - w)
    return needed // 2, needed - needed // 2


@settings(max_examples=500)
@given(st.integers(1, 300), st.integers(1, 12), st.integers(1, 6), st.integers(1, 4))
def test_same_padding_equals_tensorflow_rule(w, k, s, d):
    assert same_padding(w, k, s, d) == _tf_same(w, k, s, d)


def test_same_padding_rectangular():
    assert same_padding((32, 100), (4, 3), (1, 2)) == ((1, 2), (0, 1))


def test_resolve_padding_forms():
    assert resolve_padding(1, (5, 5), 3) == ((1, 1), (1, 1))
    assert resolve_padding((1, 2), (5, 5), 3) == ((1, 1), (2, 2))
    assert resolve_padding(((0, 1), (2, 3)), (5, 5), 3) == ((0, 1), (2, 3))
    assert resolve_padding("valid", (5, 5), 3) == ((0, 0), (0, 0))
    assert resolve_padding("same", 224, 7, 2) == ((2, 3),)


@settings(max_examples=500)
@given(
    st.integers(1, 200), st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(0, 6)
)
def test_padding_for_inverts_conv_output_size(w, k, s, d, p):
    if d * (k - 1) + 1 > w + 2 * p:
        return
    out = conv_output_size(w, k, s, p, d)
    found = padding_for(w, out, k, s, d)
    assert found <= p
    assert conv_output_size(w, k, s, found, d) == out


def test_padding_for_examples():
    assert padding_for(224, 112, 7, stride=2) == 3
    assert padding_for((32, 32), (32, 32), 5) == (2, 2)
    assert padding_for((32, 16), 16, 3, stride=(2, 1)) == (1, 1)


def test_padding_for_unreachable_size():
    # stride 4: output 55 needs W+2p in [227, 230]; W=225 gives only odd totals 225+2p
    with pytest.raises(ValueError, match=r"output_size must be a size reachable"):
        padding_for(10, 4, 3, stride=1)
