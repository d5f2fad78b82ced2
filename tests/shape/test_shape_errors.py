"""Every bad-input case names the argument, its value and what was expected."""

from __future__ import annotations

import pytest

from convolab.shape import (
    conv_output_size,
    conv_transpose_output_size,
    explain,
    padding_for,
    pool_output_size,
    same_padding,
)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: conv_output_size(0, 3), ValueError, r"size must be an int >= 1.*, got 0"),
        (lambda: conv_output_size(-5, 3), ValueError, r"size must be an int >= 1.*, got -5"),
        (lambda: conv_output_size(8, 0), ValueError, r"kernel_size must be an int >= 1.*, got 0"),
        (lambda: conv_output_size(8, 3, stride=0), ValueError, r"stride must be an int >= 1"),
        (lambda: conv_output_size(8, 3, dilation=0), ValueError, r"dilation must be an int >= 1"),
        (
            lambda: conv_output_size(8, 3, padding=-1),
            ValueError,
            r"padding must be an int >= 0.*got -1",
        ),
        (lambda: conv_output_size(8, 3, padding=((1, -1),)), ValueError, r"padding must be"),
        (
            lambda: conv_output_size(4, 3, dilation=2),
            ValueError,
            r"kernel_size must be a kernel whose dilated span d\*\(k-1\)\+1 = 5 fits in the padded "
            r"input 4 \+ 0 \+ 0 = 4",
        ),
        (
            lambda: conv_output_size((8, 8), (3, 3, 3)),
            ValueError,
            r"kernel_size must be an int >= 1 or a tuple of 2 such ints, got \(3, 3, 3\)",
        ),
        (lambda: conv_output_size((8, 8), 3, padding=(1, 1, 1)), ValueError, r"padding must be"),
        (
            lambda: conv_output_size(8.0, 3),
            TypeError,
            r"size must be an int >= 1.*, got 8.0 of type float",
        ),
        (lambda: conv_output_size(8, "3"), TypeError, r"kernel_size must be an int >= 1"),
        (lambda: conv_output_size(8, True), TypeError, r"kernel_size must be an int >= 1"),
        (
            lambda: conv_output_size(8, 3, padding="full"),
            ValueError,
            r"padding must be an int, a tuple, per-side pairs, 'valid', 'same' or 'causal', "
            r"got 'full'",
        ),
        (
            lambda: conv_transpose_output_size(4, 3, stride=2, output_padding=2),
            ValueError,
            r"output_padding must be smaller than max\(stride, dilation\) = 2",
        ),
        (
            lambda: conv_transpose_output_size(4, 3, output_padding=-1),
            ValueError,
            r"output_padding must be an int >= 0",
        ),
        (
            lambda: conv_transpose_output_size(1, 1, padding=1),
            ValueError,
            r"padding must be padding that leaves a positive output",
        ),
        (
            lambda: conv_transpose_output_size(4, 3, padding="same"),
            ValueError,
            r"padding must be an int, a tuple, per-side pairs, or 'valid' here, got 'same'",
        ),
        (
            lambda: pool_output_size(8, 2, padding=2),
            ValueError,
            r"padding must be at most half the kernel size, 1",
        ),
        (lambda: pool_output_size(8, 2, stride=0), ValueError, r"stride must be an int >= 1"),
        (lambda: same_padding(8, 3, stride=0), ValueError, r"stride must be an int >= 1.*, got 0"),
        (lambda: padding_for(8, 0, 3), ValueError, r"output_size must be an int >= 1.*, got 0"),
        (
            lambda: explain(8, 3, kind="deconv"),
            ValueError,
            r"kind must be one of 'conv', 'transpose', 'pool', got 'deconv'",
        ),
    ],
)
def test_bad_input_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
