"""Convolution layers' forward pass: ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d``.

These are deep-learning convolutions, i.e. cross-correlations (the kernel is not flipped),
exactly as ``torch.nn.functional.conv*d``; :mod:`convolab.functional._convolve` has the true,
flipped-kernel convolution. The arrays and the geometry are checked here, once; then
:func:`correlate` runs one method on the padded input.
"""

from __future__ import annotations

import math

import numpy as np

from convolab._args import invalid
from convolab.functional._checks import (
    as_batched,
    as_bias,
    as_method,
    as_padding_mode,
    as_weight,
    check_groups,
    check_transpose_groups,
    common_dtype,
    conv_arrays,
    shape_error,
)
from convolab.functional._cost import choose_method
from convolab.functional._direct import direct_forward
from convolab.functional._fft import fft_forward
from convolab.functional._gemm import gemm_forward, gemm_input_grad
from convolab.functional._pad import check_padding, pad_pairs
from convolab.functional._toeplitz import toeplitz_applies, toeplitz_forward
from convolab.functional._winograd import winograd_applies, winograd_forward
from convolab.shape import Geometry, conv_geometry, transpose_geometry

# one NaN/Inf reaches every output of a transform, or of a band (0 * Inf is NaN)
_SPREADS_NON_FINITE = ("fft", "winograd", "toeplitz")


def conv_nd(
    ndim,
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
    method="auto",
):
    """Cross-correlation in ``ndim`` spatial dimensions; see :func:`conv2d`."""
    x, w, b, unbatched, integers = conv_arrays(ndim, input, weight, bias)
    groups = check_groups(groups, x.shape[1], w.shape[0], w.shape[1])
    mode = as_padding_mode(padding_mode) if padding_mode != "zeros" else "constant"
    method = as_method(method) if method != "auto" else method
    empty = x.size == 0
    geometry = conv_geometry(x.shape[2:], w.shape[2:], stride, padding, dilation, ndim=ndim,
                             min_size=int(not empty))  # fmt: skip
    if mode != "constant":
        check_padding(x.shape, geometry.pads, mode)
    if method in ("winograd", "toeplitz"):
        check_method(method, geometry, w.shape, x.itemsize)
    if empty:  # torch: an empty batch, or no input channels (then no output channels)
        out = np.zeros((x.shape[0], w.shape[0] if x.shape[1] else 0, *geometry.out), x.dtype)
    else:
        xp = pad_pairs(x, geometry.pads, mode)  # (N, C, *padded)
        out = correlate(xp, w, b, geometry, groups, method, integers)
    return out[0] if unbatched else out


def check_method(method: str, geometry: Geometry, weight_shape, itemsize: int) -> None:
    """Raise when ``method`` cannot compute this geometry ('winograd' needs 3, 1, 1;
    'toeplitz' 1-D or 2-D, its band matrices under the memory budget)."""
    if method == "winograd" and not winograd_applies(geometry):
        raise invalid(
            "method",
            method,
            "'winograd' only for kernel size 3, stride 1 and dilation 1 (got kernel "
            f"{geometry.kernel}, stride {geometry.stride}, dilation {geometry.dilation})",
        )
    if method == "toeplitz" and not toeplitz_applies(geometry, weight_shape, itemsize):
        raise invalid(
            "method",
            method,
            "'toeplitz' only for 1-D and 2-D layers whose band matrices fit the memory budget "
            f"(got {geometry.ndim}-D, kernel {geometry.kernel} on {geometry.padded} padded "
            "cells)",
        )


def correlate(xp, weight, bias, geometry: Geometry, groups: int, method: str, exact=False):
    """Cross-correlation of a padded ``(N, C, *padded)`` input by ``(O, Cg, *k)``, plus ``bias``.

    Returns ``(N, O, *geometry.out)``. ``method='auto'`` asks the cost model
    (:mod:`convolab.functional._cost`), avoiding the transform methods when the data hold
    NaN or Inf so that these propagate as in torch, and when ``exact`` integer data would
    lose their exact sums.
    """
    if method == "auto":
        method = choose_method(xp.shape, weight.shape, geometry, groups, xp.itemsize)
        if method in _SPREADS_NON_FINITE and (
            _exact_sums_fit(xp, weight)
            if exact
            else not (np.isfinite(xp).all() and np.isfinite(weight).all())
        ):
            method = "gemm"
    with np.errstate(all="ignore"):  # NaN and Inf propagate silently, as in torch
        if method == "gemm":
            return gemm_forward(xp, weight, bias, geometry, groups)
        if method == "winograd":
            out = winograd_forward(xp, weight, groups)
        elif method == "toeplitz":
            out = toeplitz_forward(xp, weight, geometry, groups)
        elif method == "direct":
            out = direct_forward(xp, weight, geometry, groups)
        else:
            out = fft_forward(xp, weight, geometry, groups)
        return add_bias(out, bias)


def _exact_sums_fit(xp: np.ndarray, weight: np.ndarray) -> bool:
    """Whether every partial sum of integer products stays exact in ``xp``'s float dtype."""
    terms = math.prod(weight.shape[1:])  # products per output
    bound = float(np.abs(xp).max(initial=0)) * float(np.abs(weight).max(initial=0)) * terms
    return bound < 2.0 ** np.finfo(xp.dtype).nmant


def add_bias(out: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``out + bias`` broadcast over ``(N, O, *spatial)``, in place."""
    if bias is not None:
        with np.errstate(all="ignore"):
            out += bias.reshape(-1, *(1,) * (out.ndim - 2)).astype(out.dtype, copy=False)
    return out


def conv_transpose_nd(
    ndim, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed convolution in ``ndim`` spatial dimensions; see :func:`conv_transpose2d`."""
    x, unbatched = as_batched(input, ndim, empty_channels=True)
    w = as_weight(weight, ndim)
    if w.shape[1] == 0:
        raise shape_error("weight", w.shape, "an array whose axes are non-empty")
    groups = check_transpose_groups(groups, x.shape[1], w.shape[0])
    b = as_bias(bias, w.shape[1] * groups)
    geometry = transpose_geometry(x.shape[2:], w.shape[2:], stride, padding, output_padding,
                                  dilation, ndim=ndim, min_size=int(x.size > 0))  # fmt: skip
    dtype = common_dtype(x, w, b)
    if x.size == 0:  # an empty batch: torch's empty result
        out = np.zeros((x.shape[0], w.shape[1] * groups, *geometry.out), dtype)
        return out[0] if unbatched else out
    with np.errstate(all="ignore"):
        full = gemm_input_grad(
            x.astype(dtype, copy=False), w.astype(dtype, copy=False), geometry.as_conv(), groups
        )  # (N, C_out, *padded)
    crop = tuple(slice(lo, lo + o) for o, (lo, _) in zip(geometry.out, geometry.pads))
    out = np.ascontiguousarray(full[(Ellipsis, *crop)])
    out = add_bias(out, None if b is None else b.astype(dtype, copy=False))
    return out[0] if unbatched else out
