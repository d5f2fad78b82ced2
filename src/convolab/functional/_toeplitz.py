"""Row-Toeplitz GEMM: a narrow convolution as one product with a banded weight matrix.

For a 2-D layer (a 1-D one is the case ``H = 1``) with a kernel spanning ``span = (kh-1)*dh+1``
input rows, output row ``r`` of a sample reads the input rows ``r*sh .. r*sh + span - 1`` of
every channel, ``K = C * span * W`` values that lie in one contiguous run per channel. With

    T[(c, i, x), (o, j)] = weight[o, c, i/dh, (x - j*sw)/dw]   (zero where not a tap),

a banded ``(K, O * OW)`` matrix built once per call,

    out[n, o, r, j] = rows[(n, r), :] @ T[:, (o, j)],      rows: (N * OH, K)

one GEMM over well-shaped dimensions in place of im2col's
``(O, C*kh*kw) @ (C*kh*kw, N*OH*OW)``, whose ``O`` rows are few in small layers (LeNet-5's 6
and 16: a thin product BLAS runs at a fraction of its rate). The price is the band's zeros,
``span * W / (kh * kw)`` times the flops, and ``T`` itself: worth it when the maps are narrow
(LeNet-5's 32 and 14 columns), which the cost model (:mod:`._cost`) weighs. The copied rows
hold the input about ``span / sh`` times, im2col's columns ``kh * kw / (sh * sw)`` times.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from convolab.functional._runtime import get_memory_budget, plan_chunks, scratch
from convolab.shape import Geometry


def _axes(geometry: Geometry) -> tuple:
    """(OH, span, sh, dh, OW, sw, dw, W): a 1-D layer is one output row of a 1-row kernel."""
    (*_, ow), (*_, sw), (*_, dw) = geometry.out, geometry.stride, geometry.dilation
    width = geometry.size[-1] + sum(geometry.pads[-1])
    if len(geometry.out) == 1:
        return 1, 1, 1, 1, ow, sw, dw, width
    (oh, _), (kh, _), (sh, _), (dh, _) = (geometry.out, geometry.kernel, geometry.stride,
                                          geometry.dilation)  # fmt: skip
    return oh, (kh - 1) * dh + 1, sh, dh, ow, sw, dw, width


def toeplitz_applies(geometry: Geometry, weight_shape, itemsize: int) -> bool:
    """True for 1-D and 2-D layers whose band matrices fit the memory budget."""
    return toeplitz_work((1, 1), weight_shape, geometry, itemsize) is not None


def toeplitz_work(x_shape, w_shape, geometry: Geometry, itemsize: int):
    """``None`` where the method does not apply, else (flops of the products, the band's
    zeros included; elements written and copied: the band matrices, zeroed then filled, the
    rows, the products and the output; the products' rows ``N * OH``)."""
    if len(geometry.out) > 2:
        return None
    oh, span, _, _, ow, _, _, width = _axes(geometry)
    (n, c), (o, cg) = x_shape[:2], w_shape[:2]
    band = cg * span * width * o * ow  # elements of the band matrices
    if band * itemsize > get_memory_budget():
        return None
    rows = n * oh
    return 2.0 * rows * band, 2.0 * band + rows * (c * span * width + 2.0 * o * ow), rows


def toeplitz_forward(xp: np.ndarray, weight: np.ndarray, geometry: Geometry, groups: int):
    """Cross-correlation of a padded ``(N, C, *S)`` input (1-D or 2-D): ``(N, O, *out)``."""
    axes = oh, span, sh, _, ow, _, _, w = _axes(geometry)
    n, c = xp.shape[:2]
    if xp.strides[-1] != xp.itemsize or (xp.ndim == 4 and xp.strides[-2] != w * xp.itemsize):
        xp = np.ascontiguousarray(xp)  # the rows below are runs of whole image rows
    o = weight.shape[0]
    og, k = o // groups, c // groups * span * w
    dtype = np.result_type(xp, weight)
    bands = _band_matrices(weight.astype(dtype, copy=False), axes, groups)
    out = np.empty((n, o, *geometry.out), dtype=dtype)
    s = xp.strides
    row_step = s[2] * sh if xp.ndim == 4 else 0
    rows = as_strided(xp, (n, oh, c, span * w), (s[0], row_step, s[1], s[-1]), writeable=False)
    rows_out = out.reshape(n, o, oh, ow)  # a 1-D output as one row
    room = max(get_memory_budget() - bands.nbytes, 1)  # the chunks share the budget with T
    for batch, part in plan_chunks(n, oh, (c * span * w + o * ow) * out.itemsize, room):
        nb, nr = batch.stop - batch.start, part.stop - part.start
        chunk = scratch("toeplitz-rows", (nb * nr, groups, k), dtype)
        np.copyto(chunk.reshape(nb, nr, c, span * w), rows[batch, part])
        product = scratch("toeplitz-product", (groups, nb * nr, og * ow), dtype)
        np.matmul(chunk.swapaxes(0, 1), bands, out=product)  # (G, nb*nr, Og*OW)
        grouped = product.reshape(groups, nb, nr, og, ow).transpose(1, 0, 3, 2, 4)
        np.copyto(rows_out[batch, :, part].reshape(nb, groups, og, nr, ow), grouped)
    return out


def _band_matrices(weight: np.ndarray, axes: tuple, groups: int):
    """``T`` of each group, ``(G, Cg * span * W, Og * OW)``: ``weight[o, c, i, j]`` at row
    ``(c, i*dh, j*dw + q*sw)`` and column ``(o, q)``, for every output column ``q``
    (``axes``: :func:`_axes`)."""
    _, span, _, dh, ow, sw, dw, width = axes
    o, cg, *kernel = weight.shape
    kh, kw = (1, *kernel) if len(kernel) == 1 else kernel
    bands = np.zeros((groups, cg, span, width, o // groups, ow), weight.dtype)
    i, j, q = np.ix_(range(kh), range(kw), range(ow))
    taps = weight.reshape(groups, o // groups, cg, kh, kw).transpose(3, 4, 0, 2, 1)
    bands[:, :, i * dh, j * dw + q * sw, :, q] = taps[:, :, None]  # (kh, kw, OW, G, Cg, Og)
    return bands.reshape(groups, cg * span * width, o // groups * ow)
