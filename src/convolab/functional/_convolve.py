"""True convolution: the kernel flipped, as in mathematics and signal processing.

``conv1d/2d/3d`` compute cross-correlation, ``out[i] = sum_j x[i + j] w[j]`` (the deep
learning convention, torch's). :func:`convolve` computes the convolution of the definition,
``out[i] = sum_j x[i - j] w[j]``, on plain arrays without batch or channel axes, with the
output sizes of :func:`scipy.signal.convolve`; it is commutative, associative and
distributive, shift-equivariant, and the unit impulse is its identity.
"""

from __future__ import annotations

import numpy as np

from convolab._args import as_choice
from convolab.functional._checks import (
    as_float_array,
    as_method,
    common_dtype,
    integer_kind,
    shape_error,
)
from convolab.functional._conv import check_method, correlate
from convolab.functional._pad import pad_pairs
from convolab.shape import conv_geometry

MODES = ("full", "same", "valid")


def _pairs(mode: str, kernel: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Padding of the flipped-kernel correlation that gives each mode's output."""
    if mode == "full":
        return tuple((k - 1, k - 1) for k in kernel)
    if mode == "same":  # the centre of 'full': start at (k - 1) // 2, like scipy
        return tuple((k // 2, (k - 1) // 2) for k in kernel)
    return tuple((0, 0) for _ in kernel)


def convolve(input, kernel, mode="full", *, method="auto") -> np.ndarray:
    """True (flipped-kernel) N-D convolution of two arrays of 1 to 3 dimensions.

    Parameters
    ----------
    input, kernel : array_like
        Same number of dimensions (1, 2 or 3), real.
    mode : {'full', 'same', 'valid'}
        'full': size ``n + k - 1`` per axis; 'same': size ``n``, centred on 'full';
        'valid': size ``|n - k| + 1``: as in numpy and scipy, the operands swap when the
        kernel is the larger in every axis (convolution commutes).
    method : {'auto', 'gemm', 'fft', 'direct', 'winograd', 'toeplitz'}
        As for :func:`conv2d`. With integer (or bool) operands 'auto' keeps to exact sums
        while they fit in float64, as ``scipy.signal.choose_conv_method`` does.

    Examples
    --------
    >>> convolve([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> convolve([1, 2], [1, 1, 1], mode="valid")
    array([3., 3.])
    """
    x = as_float_array(input, "input")
    w = as_float_array(kernel, "kernel")
    mode = as_choice(mode, "mode", MODES)
    method = as_method(method)
    if not 1 <= x.ndim <= 3 or w.ndim != x.ndim:
        raise shape_error(
            "kernel",
            w.shape,
            f"an array with as many dimensions (1 to 3) as input's shape {x.shape}",
        )
    for name, array in (("input", x), ("kernel", w)):
        if array.size == 0:  # as numpy and scipy refuse them
            raise shape_error(name, array.shape, "a non-empty array")
    if mode == "valid" and any(k > n for n, k in zip(x.shape, w.shape)):
        if not all(k >= n for n, k in zip(x.shape, w.shape)):
            raise shape_error(
                "kernel",
                w.shape,
                f"no larger than input {x.shape} in every axis, or no "
                "smaller in every axis, for mode 'valid'",
            )
        x, w = w, x
    dtype = common_dtype(x, w)
    flipped = w[(slice(None, None, -1),) * w.ndim].astype(dtype)
    geometry = conv_geometry(x.shape, w.shape, 1, _pairs(mode, w.shape), 1, ndim=x.ndim)
    check_method(method, geometry, (1, 1, *w.shape), np.dtype(dtype).itemsize)
    xp = pad_pairs(x.astype(dtype)[None, None], geometry.pads)  # (1, 1, *padded)
    exact = integer_kind(input) and integer_kind(kernel)
    return correlate(xp, flipped[None, None], None, geometry, 1, method, exact)[0, 0]
