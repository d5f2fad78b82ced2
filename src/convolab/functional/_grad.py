"""Gradients of a convolution, named like ``torch.nn.grad``.

For ``out = conv(x, w)`` and an upstream gradient ``g = dL/dout``:

* ``conv*d_input``  -- ``dL/dx``: the transposed convolution of ``g`` (col2im of ``W^T g``),
  cropped to the input, folded back through reflect/replicate/circular padding;
* ``conv*d_weight`` -- ``dL/dw = sum_n g (Og, L) @ cols(x)^T`` per group;
* ``conv*d_bias``   -- ``dL/db = sum of g over every axis but the channels``.
"""

from __future__ import annotations

import numpy as np

from convolab._args import is_int, is_sequence, wrong_type
from convolab.functional._checks import (
    as_batched,
    as_padding_mode,
    as_weight,
    check_groups,
    common_dtype,
    shape_error,
)
from convolab.functional._gemm import gemm_input_grad, gemm_weight_grad
from convolab.functional._pad import check_padding, pad_pairs, source_index
from convolab.shape import Geometry, conv_geometry


def _as_size(value, ndim: int, name: str) -> tuple[int, ...]:
    """A shape of ``ndim + 1`` or ``ndim + 2`` ints (torch's ``input_size``/``weight_size``)."""
    if not is_sequence(value) or not all(is_int(v) for v in value):
        raise wrong_type(name, value, "a tuple of ints")
    return tuple(int(v) for v in value)


def _geometry(ndim, size, kernel, stride, padding, dilation, mode, g, empty) -> Geometry:
    """The forward convolution's geometry, with ``grad_output``'s size and the mode checked
    (``empty``: the batch or channels are, so the spatial size may be 0, as in torch)."""
    geometry = conv_geometry(size, kernel, stride, padding, dilation, ndim=ndim,
                             min_size=int(not empty))  # fmt: skip
    if mode != "constant":
        check_padding((1, 1, *size), geometry.pads, mode)
    if g.shape[2:] != geometry.out:
        raise shape_error(
            "grad_output", g.shape, f"spatial size {geometry.out}, the convolution's output size"
        )
    return geometry


def pad_adjoint(dxp: np.ndarray, pairs, mode: str) -> np.ndarray:
    """The adjoint of :func:`pad_pairs`: sum each padded cell back onto its source cell."""
    lead = dxp.ndim - len(pairs)
    for axis, (lo, hi) in enumerate(pairs, start=lead):
        n = dxp.shape[axis] - lo - hi
        if mode == "constant":
            dxp = dxp[(slice(None),) * axis + (slice(lo, lo + n),)]
            continue
        source = source_index(n, lo, hi, mode)  # padded cell -> input cell
        fold = np.zeros((len(source), n), dtype=dxp.dtype)
        fold[np.arange(len(source)), source] = 1  # (padded, n)
        dxp = np.moveaxis(np.tensordot(dxp, fold, axes=([axis], [0])), -1, axis)
    return dxp


def conv_input_nd(
    ndim,
    input_size,
    weight,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of ``conv_nd`` w.r.t. its input; see :func:`conv2d_input`."""
    size = _as_size(input_size, ndim, "input_size")
    g, unbatched = as_batched(grad_output, ndim, "grad_output", empty_channels=True)
    w = as_weight(weight, ndim)
    if len(size) != g.ndim - unbatched:
        raise shape_error(
            "input_size", size, f"a shape of {g.ndim - unbatched} ints, like grad_output's"
        )
    groups = check_groups(groups, size[-ndim - 1], w.shape[0], w.shape[1])
    mode = as_padding_mode(padding_mode)
    empty = 0 in size[:-ndim]
    geometry = _geometry(ndim, size[-ndim:], w.shape[2:], stride, padding, dilation, mode, g, empty)
    dtype = common_dtype(g, w)
    if g.size == 0 or empty:
        return np.zeros(size, dtype)
    with np.errstate(all="ignore"):
        dxp = gemm_input_grad(
            g.astype(dtype, copy=False), w.astype(dtype, copy=False), geometry, groups
        )  # (N, C, *padded)
        dx = pad_adjoint(dxp, geometry.pads, mode)
    dx = np.ascontiguousarray(dx)
    return dx[0] if unbatched else dx


def conv_weight_nd(
    ndim,
    input,
    weight_size,
    grad_output,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    *,
    padding_mode="zeros",
):
    """Gradient of ``conv_nd`` w.r.t. its weight; see :func:`conv2d_weight`."""
    x, unbatched = as_batched(input, ndim, empty_channels=True)
    g, g_unbatched = as_batched(grad_output, ndim, "grad_output", empty_channels=True)
    if unbatched != g_unbatched or x.shape[0] != g.shape[0]:
        raise shape_error(
            "grad_output", np.shape(grad_output), f"a batch like input's {np.shape(input)}"
        )
    size = _as_size(weight_size, ndim, "weight_size")
    if len(size) != ndim + 2:
        raise shape_error("weight_size", size, f"{ndim + 2} ints (C_out, C_in / groups, *k)")
    groups = check_groups(groups, x.shape[1], size[0], size[1])
    mode = as_padding_mode(padding_mode)
    empty = 0 in x.shape[:2]
    geometry = _geometry(ndim, x.shape[2:], size[2:], stride, padding, dilation, mode, g, empty)
    dtype = common_dtype(x, g)
    if x.size == 0 or g.size == 0:
        return np.zeros(size, dtype)
    xp = pad_pairs(x.astype(dtype, copy=False), geometry.pads, mode)
    with np.errstate(all="ignore"):
        return gemm_weight_grad(xp, g.astype(dtype, copy=False), geometry, groups)


def conv_bias_nd(ndim, grad_output) -> np.ndarray:
    """Gradient w.r.t. the bias: ``grad_output`` summed over batch and space, ``(C_out,)``."""
    g, _ = as_batched(grad_output, ndim, "grad_output", empty_channels=True)
    with np.errstate(all="ignore"):
        return g.sum(axis=(0, *range(2, g.ndim)))
