"""im2col + GEMM: the forward pass and both gradients as matrix products over windows.

With ``K = prod(kernel)``, ``L = prod(out)`` and ``G`` groups of ``Cg`` input and ``Og``
output channels, a convolution is, for every sample and group,
``out (Og, L) = weight (Og, Cg*K) @ cols (Cg*K, L)``, where ``cols`` copies the windows of
:func:`sliding_windows` (im2col). The input gradient is the transposed product followed by a
scatter-add of the columns back onto the windows (col2im), the weight gradient the product
of the output gradient with the columns.

The forward pass builds the columns of cache-sized blocks of output rows (whole samples,
or rows of one) and multiplies each block at once, the blocks spread over the engine's
threads with BLAS on one thread each (:func:`_forward_blocked`): the copy and the product of
a block stay in cache. Small stride-1 layers (LeNet's) use *wide* columns instead
(:func:`_forward_wide`): each output row takes every position of the input row, so that a
column row is one contiguous run of the flattened input, copied at memory speed; the few
extra cells are dropped after the product. The gradients build their columns chunk by chunk
under the memory budget (:mod:`._runtime`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from convolab.functional import _runtime as runtime
from convolab.functional._runtime import (
    get_memory_budget,
    plan_chunks,
    run_stripes,
    scratch,
    workspace,
)
from convolab.functional._windows import windows_of
from convolab.shape import Geometry


def _layout(ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Axis orders of a window view ``(N, C, *out, *k)``: ``(*out)`` and ``(*k)`` axes."""
    return tuple(range(2, 2 + ndim)), tuple(range(2 + ndim, 2 + 2 * ndim))


def _workspace(windows: np.ndarray, chunks, dtype, extra: int = 0) -> np.ndarray:
    """A flat buffer for the columns of the largest (the first) chunk, plus ``extra``."""
    batch, rows = chunks[0]
    return workspace(windows[batch, :, rows].size + extra, dtype)


def _row_bytes(windows: np.ndarray, ndim: int, out_channels: int = 0) -> int:
    """Workspace for one output row (first output axis) of one sample: its columns, plus
    ``out_channels`` values per cell for a temporary of the output (or its gradient)."""
    cells = math.prod(windows.shape[3 : 2 + ndim])  # out[1:]
    per_row = cells * (windows.shape[1] * math.prod(windows.shape[2 + ndim :]) + out_channels)
    return per_row * windows.itemsize


# Per-sample products below this many flops run BLAS on one thread (OpenBLAS's own cut-off
# is about this size): small stride-1 layers take the wide path instead (LeNet's layers).
THREADED_GEMM_FLOPS = 4e6
BLOCK_BYTES = 1 << 20  # a block's columns and products, kept in cache (~0.5-2 MiB measured)
MIN_COLUMNS = 128  # the fewest output cells a block multiplies at once


def gemm_forward(xp: np.ndarray, weight: np.ndarray, bias, geometry: Geometry, groups: int):
    """Cross-correlation of a padded ``(N, C, *S)`` input, plus ``bias``: ``(N, O, *out)``."""
    out_size, stride = geometry.out, geometry.stride
    n, o = xp.shape[0], weight.shape[0]
    out = np.empty((n, o, *out_size), dtype=np.result_type(xp, weight))
    wg = weight.reshape(groups, o // groups, -1)  # (G, Og, Cg*K)
    if 2 * wg[0].size * math.prod(out_size) < THREADED_GEMM_FLOPS and stride == (1,) * len(stride):
        layout = _wide_layout(xp.shape[1:], geometry, o, groups)
        if layout[-1] * xp.itemsize <= get_memory_budget():  # a sample fits: else blocks below
            for batch, _ in plan_chunks(n, 1, layout[-1] * xp.itemsize):
                _forward_wide(xp[batch], wg, bias, geometry, layout, out[batch])
            return out
    if set(geometry.kernel) == {1} and set(stride) == {1}:  # 1x1: the columns are the input
        for sample, target in zip(xp, out):  # (C, *S) -> (O, *S), BLAS on every CPU
            np.matmul(wg, sample.reshape(groups, -1, target[0].size),
                      out=target.reshape(groups, o // groups, -1))  # fmt: skip
        if bias is not None:
            out += bias.reshape(-1, *(1,) * len(out_size))
        return out
    if bias is not None:  # added inside the products, through a row of ones in the columns
        wg = np.concatenate([wg, bias.reshape(groups, -1, 1).astype(wg.dtype)], axis=2)
    _forward_blocked(windows_of(xp, geometry), wg, bias is not None, out)
    return out


def _forward_blocked(windows: np.ndarray, wg: np.ndarray, ones: bool, out: np.ndarray) -> None:
    """``out (N, O, *out) = wg (G, Og, Cg*K [+ 1]) @ columns`` in blocks on the threads."""
    n, groups, og = windows.shape[0], wg.shape[0], wg.shape[1]
    ndim = out.ndim - 2
    cell_bytes = (groups * wg.shape[2] + groups * og) * out.itemsize  # a column, a product
    rest = math.prod(out.shape[3:])  # cells of one output row
    block = max(BLOCK_BYTES, MIN_COLUMNS * cell_bytes, 2 * wg.nbytes)
    share = get_memory_budget() // runtime.workers()  # each thread has a block's buffers
    blocks = plan_chunks(n, out.shape[2], cell_bytes * rest, min(block, share))
    run_stripes(functools.partial(_block, windows, wg, ones, ndim, out), blocks)


def _block(windows, wg, ones: bool, ndim: int, out, block) -> None:
    """One block ``(samples, output rows)``: its columns, one product, written into ``out``."""
    batch, rows = block
    view = windows[batch, :, rows]  # (nb, C, r, *out[1:], *k)
    groups, og, width = wg.shape
    nb, channels = view.shape[:2]
    out_axes, kernel_axes = _layout(ndim)
    cells = nb * math.prod(view.shape[2 : 2 + ndim])
    cols = scratch("columns", (groups, width, cells), view.dtype)  # (G, Cg*K [+ 1], nb*L)
    taps = view.transpose(1, *kernel_axes, 0, *out_axes)  # (C, *k, nb, *out)
    grouped = (groups, channels // groups, *taps.shape[1:])
    np.copyto(cols[:, : width - ones].reshape(grouped), taps.reshape(grouped))
    if ones:
        cols[:, -1] = 1
    product = scratch("product", (groups, og, cells), view.dtype)
    np.matmul(wg, cols, out=product)  # (G, Og, nb*L)
    target = out[batch, :, rows]  # (nb, O, r, *out[1:])
    np.copyto(target, product.reshape(groups * og, nb, *target.shape[2:]).swapaxes(0, 1))


def _wide_layout(sample: tuple[int, ...], geometry: Geometry, out_channels: int, groups: int):
    """What :func:`_forward_wide` needs of one sample ``(C, *S)``: the element strides of its
    flattened spatial axes, its wide cells, how far past it the last tap reads (its zero
    tail), and its workspace in elements (input copy and tail, columns with a ones row per
    group, product)."""
    channels, *spatial = sample
    strides, step = [], 1
    for size in reversed(spatial):
        strides.insert(0, step)
        step *= size
    cells = geometry.out[0] * strides[0]
    tail = 0
    for k, d, f in zip(geometry.kernel[1:], geometry.dilation[1:], strides[1:]):
        tail += (k - 1) * d * f
    rows = channels * math.prod(geometry.kernel) + groups  # column rows, a ones row a group
    return strides, cells, tail, step * channels + tail + cells * (rows + out_channels)


def _forward_wide(xp, wg, bias, geometry: Geometry, layout, target) -> None:
    """Stride-1 cross-correlation of ``xp (nb, C, *S)`` into ``target (nb, O, *out)``.

    With the input flattened per sample, the window of output cell ``(o_0, o_1, ...)`` at
    tap ``(k_0, k_1, ...)`` starts at ``sum_i (o_i + k_i d_i) F_i`` (``F_i`` the flattened
    stride of axis ``i``): for a fixed tap it is one contiguous run over the *wide* cells
    ``(o_0, s_1, ..., s_d)``, ``s_i`` spanning all of ``S_i``. The columns
    ``(G, Cg*K [+ 1], nb * out_0 * prod(S[1:]))`` are these runs (a strided view, copied at
    memory speed), one product ``(G, Og, Cg*K [+ 1]) @ cols`` (BLAS on every CPU) computes
    every wide cell, the bias through a ones row, and the cells with ``s_i < out_i`` are the
    output; the others, which read past their row (into the next row, sample or the zero
    tail), are dropped. The waste, ``prod(S[1:]) / prod(out[1:])``, is small next to the
    copy it saves: im2col's runs are only ``out_last`` long. ``layout``: :func:`_wide_layout`.
    """
    nb, channels, *spatial = xp.shape
    out_size = target.shape[2:]
    groups, og, rows = wg.shape
    strides, cells, tail, _ = layout
    extra = bias is not None  # the ones row that adds the bias
    buffer = workspace(layout[-1] * nb, xp.dtype)
    flat = buffer[: xp.size + tail]
    np.copyto(flat[: xp.size].reshape(xp.shape), xp)
    flat[xp.size :] = 0
    cols = buffer[flat.size : flat.size + groups * (rows + extra) * nb * cells]
    cols = cols.reshape(groups, rows + extra, nb, cells)
    product = buffer[flat.size + cols.size : flat.size + cols.size + groups * og * nb * cells]
    channel, size, cg = strides[0] * spatial[0], flat.itemsize, channels // groups
    taps = np.multiply(geometry.dilation, strides) * size  # bytes between taps, per axis
    view = as_strided(
        flat,
        (groups, cg, *geometry.kernel, nb, cells),
        (cg * channel * size, channel * size, *taps, channels * channel * size, size),
        writeable=False,
    )
    np.copyto(cols[:, :rows].reshape(view.shape), view)  # threads would cost more than they save
    if extra:
        cols[:, rows] = 1
        wg = np.concatenate([wg, bias.reshape(groups, og, 1).astype(wg.dtype)], axis=2)
    np.matmul(wg, cols.reshape(groups, rows + extra, -1), out=product.reshape(groups, og, -1))
    wide = product.reshape(groups * og, nb, out_size[0], *spatial[1:])
    wide = wide[(Ellipsis, *map(slice, out_size[1:]))]  # the cells inside each row
    np.copyto(target, wide.swapaxes(0, 1))


def gemm_input_grad(
    grad_out: np.ndarray, weight: np.ndarray, geometry: Geometry, groups: int
) -> np.ndarray:
    """Gradient w.r.t. the padded input ``(N, C, *geometry.padded)`` (col2im of ``W^T @ g``)
    of the convolution of ``geometry``, whose output ``grad_out`` ``(N, O, *out)`` matches.

    This is also the transposed convolution of ``grad_out`` by ``weight`` (``geometry`` its
    :meth:`~convolab.shape.Geometry.as_conv`).
    """
    ndim = grad_out.ndim - 2
    n, o = grad_out.shape[:2]
    kernel = geometry.kernel
    channels = weight.shape[1] * groups
    dx = np.zeros((n, channels, *geometry.padded), dtype=np.result_type(grad_out, weight))
    view = windows_of(dx, geometry, writeable=True)  # (N, C, *out, *k), aliases dx
    wt = weight.reshape(groups, o // groups, -1).swapaxes(1, 2)  # (G, Cg*K, Og)
    chunks = plan_chunks(n, grad_out.shape[2], _row_bytes(view, ndim))
    buffer = _workspace(view, chunks, dx.dtype)
    for batch, rows in chunks:
        chunk = grad_out[batch, :, rows]  # (nb, O, *out_chunk)
        nb, cells = chunk.shape[0], math.prod(chunk.shape[2:])
        cols = buffer[: nb * channels * math.prod(kernel) * cells]
        cols = cols.reshape(nb, groups, wt.shape[1], cells)
        np.matmul(wt, chunk.reshape(nb, groups, o // groups, cells), out=cols)  # (nb,G,CgK,Lc)
        cols = cols.reshape(nb, channels, *kernel, *chunk.shape[2:])  # (nb, C, *k, *out_chunk)
        target = view[batch, :, rows]  # (nb, C, *out_chunk, *k), aliases dx
        # Channels scatter into disjoint cells of dx, so they can be split across threads.
        runtime.split_apply(_scatter_add, (target, cols), 1, cols.nbytes)
    return dx


def _scatter_add(target: np.ndarray, cols: np.ndarray) -> None:
    """col2im: add ``cols (nb, C, *k, *out)`` onto the windows ``target (nb, C, *out, *k)``."""
    kernel = cols.shape[2 : 2 + (cols.ndim - 2) // 2]
    for index in np.ndindex(*kernel):
        target[(Ellipsis, *index)] += cols[(slice(None), slice(None), *index)]


def gemm_weight_grad(
    xp: np.ndarray, grad_out: np.ndarray, geometry: Geometry, groups: int
) -> np.ndarray:
    """Gradient w.r.t. the weight ``(O, Cg, *kernel)``: ``sum_n g (Og, L) @ cols^T``."""
    ndim = xp.ndim - 2
    kernel = geometry.kernel
    windows = windows_of(xp, geometry)  # (N, C, *out, *k)
    n, o = grad_out.shape[:2]
    out_axes, kernel_axes = _layout(ndim)
    grad = np.zeros(
        (groups, o // groups, xp.shape[1] // groups * math.prod(kernel)),
        dtype=np.result_type(xp, grad_out),
    )  # (G, Og, Cg*K)
    chunks = plan_chunks(n, grad_out.shape[2], _row_bytes(windows, ndim, o))
    buffer = _workspace(windows, chunks, xp.dtype)
    for batch, rows in chunks:
        chunk = windows[batch, :, rows].transpose(1, *kernel_axes, 0, *out_axes)  # (C,*k,nb,*o)
        cols = buffer[: chunk.size].reshape(chunk.shape)
        runtime.copyto(cols, chunk)
        cols = cols.reshape(groups, grad.shape[2], -1)  # (G, Cg*K, nb*Lc)
        g = np.moveaxis(grad_out[batch, :, rows], 1, 0)  # (O, nb, *out_chunk)
        g = g.reshape(groups, o // groups, -1)  # (G, Og, nb*Lc)
        grad += np.matmul(g, cols.swapaxes(1, 2))
    return grad.reshape(o, xp.shape[1] // groups, *kernel)
