"""Bad input: each error names the argument, its value and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

import convolab.functional as cf

X = np.ones((1, 4, 6, 6))
W = np.ones((2, 4, 3, 3))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: cf.conv2d(np.ones((6, 6)), W),
            ValueError,
            r"input must be a 3-D or 4-D array \(C, H, W\) or \(N, C, H, W\), got shape \(6, 6\)",
        ),
        (
            lambda: cf.conv2d(X, np.ones((2, 4, 3))),
            ValueError,
            r"weight must be a 4-D array \(C_out, C_in / groups, \*kernel\), got shape \(2, 4, 3\)",
        ),
        (
            lambda: cf.conv2d(X, np.ones((2, 3, 3, 3))),
            ValueError,
            r"input.shape\[1\] must be groups \* weight.shape\[1\] = 1 \* 3 = 3, got 4",
        ),
        (
            lambda: cf.conv2d(X, np.ones((2, 1, 3, 3)), groups=3),
            ValueError,
            r"groups must be a divisor of the input channels 4, got 3",
        ),
        (
            lambda: cf.conv2d(X, np.ones((3, 2, 3, 3)), groups=2),
            ValueError,
            r"groups must be a divisor of the output channels 3, got 2",
        ),
        (lambda: cf.conv2d(X, W, groups=0), ValueError, r"groups must be an int >= 1, got 0"),
        (
            lambda: cf.conv2d(X, np.ones((2, 4, 7, 7))),
            ValueError,
            r"kernel_size must be a kernel whose dilated span d\*\(k-1\)\+1 = 7 fits in the padded"
            r" input 6 \+ 0 \+ 0 = 6",
        ),
        (lambda: cf.conv2d(X, W, dilation=3), ValueError, r"span d\*\(k-1\)\+1 = 7 fits"),
        (lambda: cf.conv2d(X, W, stride=0), ValueError, r"stride must be an int >= 1.*got 0"),
        (lambda: cf.conv2d(X, W, stride=(1, -1)), ValueError, r"stride must be an int >= 1"),
        (lambda: cf.conv2d(X, W, dilation=0), ValueError, r"dilation must be an int >= 1"),
        (lambda: cf.conv2d(X, W, padding=-1), ValueError, r"padding must be an int >= 0"),
        (
            lambda: cf.conv2d(X, W, padding="full"),
            ValueError,
            r"padding must be an int, a tuple, per-side pairs, 'valid', 'same' or 'causal', "
            r"got 'full'",
        ),
        (
            lambda: cf.conv2d(X, W, padding_mode="mirror"),
            ValueError,
            r"padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "
            r"'mirror'",
        ),
        (
            lambda: cf.conv2d(X, W, method="magic"),
            ValueError,
            r"method must be one of 'auto', 'gemm', 'fft', 'direct', 'winograd', 'toeplitz', "
            "got 'magic'",
        ),
        (
            lambda: cf.conv2d(X, np.ones((2, 4, 2, 2)), method="winograd"),
            ValueError,
            r"method must be 'winograd' only for kernel size 3, stride 1 and dilation 1",
        ),
        (
            lambda: cf.conv2d(X, W, padding=6, padding_mode="reflect"),
            ValueError,
            r"padding must be at most 5 \(input size 6 in padded axis 2\) for mode 'reflect'",
        ),
        (
            lambda: cf.conv2d(X.astype(complex), W),
            TypeError,
            r"input must be a real numeric array \(bool, int or float\), got an array of dtype "
            r"complex128",
        ),
        (lambda: cf.conv2d(X, W.astype(object)), TypeError, r"weight must be a real numeric"),
        (lambda: cf.conv2d(np.array([["a"]]), W), TypeError, r"input must be a real numeric"),
        (
            lambda: cf.conv2d(X, W, bias=np.ones(3)),
            ValueError,
            r"bias must be a 1-D array of 2 values \(C_out,\), got shape \(3,\)",
        ),
        (lambda: cf.conv2d(X, W, stride=1.5), TypeError, r"stride must be an int >= 1"),
        (
            lambda: cf.conv_transpose2d(X, np.ones((3, 2, 3, 3))),
            ValueError,
            r"input.shape\[1\] must be weight.shape\[0\] = 3, got 4",
        ),
        (
            lambda: cf.conv_transpose2d(X, W.transpose(1, 0, 2, 3), stride=2, output_padding=2),
            ValueError,
            r"output_padding must be smaller than max\(stride, dilation\) = 2",
        ),
        (
            lambda: cf.conv_transpose2d(X, W.transpose(1, 0, 2, 3), padding="same"),
            ValueError,
            r"padding must be an int, a tuple, per-side pairs, or 'valid' here, got 'same'",
        ),
        (
            lambda: cf.conv2d_input((1, 4, 6, 6), W, np.ones((1, 2, 3, 3))),
            ValueError,
            r"grad_output must be spatial size \(4, 4\), the convolution's output size, got shape",
        ),
        (
            lambda: cf.conv2d_weight(X, (2, 4, 3), np.ones((1, 2, 4, 4))),
            ValueError,
            r"weight_size must be 4 ints",
        ),
        (
            lambda: cf.max_pool2d(X, 2, padding=2),
            ValueError,
            r"padding must be at most half the kernel size, 1",
        ),
        (lambda: cf.avg_pool2d(X, 7), ValueError, r"kernel_size must be a kernel whose"),
        (
            lambda: cf.avg_pool2d(X, 2, divisor_override=0),
            ValueError,
            r"divisor_override must be a non-zero int, got 0",
        ),
        (
            lambda: cf.convolve(np.ones(3), np.ones((2, 2))),
            ValueError,
            r"kernel must be an array with as many dimensions \(1 to 3\) as input's shape \(3,\)",
        ),
        (
            lambda: cf.convolve(np.ones(3), np.ones(2), mode="wide"),
            ValueError,
            r"mode must be one of 'full', 'same', 'valid', got 'wide'",
        ),
        (lambda: cf.set_memory_budget(0), ValueError, r"nbytes must be an int >= 1, got 0"),
    ],
)
def test_bad_input_messages(call, error, match):
    with pytest.raises(error, match=match):
        call()
