"""Convolution layers' forward pass: ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d``.

These are deep-learning convolutions, i.e. cross-correlations (the kernel is not flipped),
exactly as ``torch.nn.functional.conv*d``; :mod:`convolab.functional._convolve` has the true,
flipped-kernel convolution. Arguments are normalised here once; :func:`correlate` then runs
one of the methods on an already padded input.
"""

from __future__ import annotations

import functools

import numpy as np

from convolab._args import as_tuple, invalid
from convolab.functional._common import (
    as_batched,
    as_bias,
    as_method,
    as_padding_mode,
    as_weight,
    check_groups,
    check_transpose_groups,
    common_dtype,
    unbatch,
)
from convolab.functional._cost import choose_method
from convolab.functional._direct import direct_forward
from convolab.functional._fft import fft_forward
from convolab.functional._gemm import gemm_forward, gemm_input_grad
from convolab.functional._pad import pad_pairs
from convolab.functional._winograd import winograd_applies, winograd_forward
from convolab.shape import conv_output_size, conv_transpose_output_size, resolve_padding

_SPREADS_NON_FINITE = ("fft", "winograd")  # one NaN/Inf reaches every output of a transform


def correlate(xp: np.ndarray, weight: np.ndarray, bias, stride, dilation, groups: int, method: str):
    """Cross-correlation of a padded ``(N, C, *S)`` input by ``(O, Cg, *k)``, plus ``bias``.

    Returns ``(N, O, *out)``. ``method='auto'`` asks the cost model
    (:mod:`convolab.functional._cost`), avoiding the transform methods when the data hold
    NaN or Inf so that these propagate as in torch.
    """
    kernel = weight.shape[2:]
    if method == "auto":
        out_size = tuple(
            (size - d * (k - 1) - 1) // s + 1
            for size, k, s, d in zip(xp.shape[2:], kernel, stride, dilation)
        )  # the arguments are valid here: conv_output_size's checks would cost ~30 us a call
        method = choose_method(
            xp.shape, weight.shape, out_size, stride, dilation, groups, xp.itemsize
        )
        if method in _SPREADS_NON_FINITE and not (
            np.isfinite(xp).all() and np.isfinite(weight).all()
        ):
            method = "gemm"
    if method == "winograd" and not winograd_applies(kernel, stride, dilation):
        raise invalid(
            "method",
            method,
            "'winograd' only for kernel size 3, stride 1 and "
            f"dilation 1 (got kernel {kernel}, stride {stride}, dilation {dilation})",
        )
    with np.errstate(all="ignore"):  # NaN and Inf propagate silently, as in torch
        if method == "gemm":
            return gemm_forward(xp, weight, bias, stride, dilation, groups)
        if method == "winograd":
            return add_bias(winograd_forward(xp, weight, groups), bias)
        forward = {"direct": direct_forward, "fft": fft_forward}[method]
        return add_bias(forward(xp, weight, stride, dilation, groups), bias)


def auto_method(
    input_shape, weight_shape, stride=1, padding=0, dilation=1, groups=1, dtype=np.float32
) -> str:
    """The method ``method='auto'`` picks for a batched input of this shape (finite data)."""
    ndim = len(weight_shape) - 2
    stride = as_tuple(stride, ndim, "stride", minimum=1)
    dilation = as_tuple(dilation, ndim, "dilation", minimum=1)
    kernel = tuple(weight_shape[2:])
    pads = resolve_padding(padding, tuple(input_shape[2:]), kernel, stride, dilation)
    padded = (*input_shape[:2], *(s + lo + hi for s, (lo, hi) in zip(input_shape[2:], pads)))
    out_size = conv_output_size(padded[2:], kernel, stride, 0, dilation)
    return choose_method(
        padded, tuple(weight_shape), out_size, stride, dilation, groups, np.dtype(dtype).itemsize
    )


def add_bias(out: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``out + bias`` broadcast over ``(N, O, *spatial)``, in place."""
    if bias is not None:
        with np.errstate(all="ignore"):
            out += bias.reshape(-1, *(1,) * (out.ndim - 2)).astype(out.dtype, copy=False)
    return out


def conv_geometry(ndim, size, kernel, stride, padding, dilation):
    """Stride and dilation tuples and padding pairs, validated (the kernel must fit).

    Training loops repeat the same shapes, so answers for hashable arguments are cached.
    """
    try:
        return _cached_geometry(ndim, size, kernel, stride, padding, dilation)
    except TypeError:  # lists are not hashable: validate without the cache
        return _cached_geometry.__wrapped__(ndim, size, kernel, stride, padding, dilation)


@functools.lru_cache(maxsize=256, typed=True)
def _cached_geometry(ndim, size, kernel, stride, padding, dilation):
    stride = as_tuple(stride, ndim, "stride", minimum=1)
    dilation = as_tuple(dilation, ndim, "dilation", minimum=1)
    pads = resolve_padding(padding, size, kernel, stride, dilation)
    conv_output_size(size, kernel, stride, pads, dilation)  # raises if the kernel does not fit
    return stride, dilation, pads


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
    x, unbatched = as_batched(input, ndim)
    w = as_weight(weight, ndim)
    b = as_bias(bias, w.shape[0])
    groups = check_groups(groups, x.shape[1], w.shape[0], w.shape[1])
    mode, method = as_padding_mode(padding_mode), as_method(method)
    stride, dilation, pads = conv_geometry(
        ndim, x.shape[2:], w.shape[2:], stride, padding, dilation
    )
    dtype = common_dtype(x, w, b)
    xp = pad_pairs(x.astype(dtype, copy=False), pads, mode)  # (N, C, *padded)
    b = None if b is None else b.astype(dtype, copy=False)
    out = correlate(xp, w.astype(dtype, copy=False), b, stride, dilation, groups, method)
    return unbatch(out, unbatched)


def conv_transpose_nd(
    ndim, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed convolution in ``ndim`` spatial dimensions; see :func:`conv_transpose2d`."""
    x, unbatched = as_batched(input, ndim)
    w = as_weight(weight, ndim)
    groups = check_transpose_groups(groups, x.shape[1], w.shape[0])
    b = as_bias(bias, w.shape[1] * groups)
    stride = as_tuple(stride, ndim, "stride", minimum=1)
    dilation = as_tuple(dilation, ndim, "dilation", minimum=1)
    kernel = w.shape[2:]
    out_size = conv_transpose_output_size(
        x.shape[2:], kernel, stride, padding, output_padding, dilation
    )
    pads = resolve_padding(padding, out_size, kernel, stride, dilation)
    full = tuple(o + lo + hi for o, (lo, hi) in zip(out_size, pads))
    dtype = common_dtype(x, w, b)
    with np.errstate(all="ignore"):
        full_out = gemm_input_grad(
            x.astype(dtype, copy=False), w.astype(dtype, copy=False), full, stride, dilation, groups
        )  # (N, C_out, *full)
    crop = tuple(slice(lo, lo + o) for o, (lo, _) in zip(out_size, pads))
    out = np.ascontiguousarray(full_out[(Ellipsis, *crop)])
    return unbatch(add_bias(out, b), unbatched)
