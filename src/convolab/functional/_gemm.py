"""im2col + GEMM: the forward pass and both gradients as matrix products over windows.

With ``K = prod(kernel)``, ``L = prod(out)`` and ``G`` groups of ``Cg`` input and ``Og``
output channels, a convolution is, for every sample and group,
``out (Og, L) = weight (Og, Cg*K) @ cols (Cg*K, L)``, where ``cols`` copies the windows of
:func:`sliding_windows` (im2col). The input gradient is the transposed product followed by a
scatter-add of the columns back onto the windows (col2im), the weight gradient the product
of the output gradient with the columns. Columns are built chunk by chunk under the memory
budget (:mod:`convolab.functional._budget`).
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional._budget import plan_chunks
from convolab.functional._windows import sliding_windows


def _layout(windows: np.ndarray, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Axis orders of a window view ``(N, C, *out, *k)``: ``(*out)`` and ``(*k)`` axes."""
    return tuple(range(2, 2 + ndim)), tuple(range(2 + ndim, 2 + 2 * ndim))


def im2col(windows: np.ndarray, groups: int, buffer: np.ndarray) -> np.ndarray:
    """Columns ``(nb, G, Cg*K, L)`` of a window view ``(nb, C, *out, *k)``.

    Copies into ``buffer`` (reused across chunks, so one chunk's columns are alive at a
    time), except when the columns already are the input's memory (1x1 kernel, stride 1).
    """
    ndim = (windows.ndim - 2) // 2
    out_axes, kernel_axes = _layout(windows, ndim)
    blocks = windows.transpose(0, 1, *kernel_axes, *out_axes)  # (nb, C, *k, *out)
    shape = (windows.shape[0], groups, -1, math.prod(windows.shape[2 : 2 + ndim]))
    if blocks.flags.c_contiguous:
        return blocks.reshape(shape)
    cols = buffer[: blocks.size].reshape(blocks.shape)
    np.copyto(cols, blocks)
    return cols.reshape(shape)


def _workspace(windows: np.ndarray, chunks, dtype) -> np.ndarray:
    """A flat buffer big enough for the columns of the largest (the first) chunk."""
    batch, rows = chunks[0]
    return np.empty(windows[batch, :, rows].size, dtype=dtype)


def _row_bytes(windows: np.ndarray, ndim: int, out_channels: int = 0) -> int:
    """Workspace for one output row (first output axis) of one sample: its columns, plus
    ``out_channels`` values per cell for a temporary of the output (or its gradient)."""
    cells = math.prod(windows.shape[3 : 2 + ndim])  # out[1:]
    per_row = cells * (windows.shape[1] * math.prod(windows.shape[2 + ndim :]) + out_channels)
    return per_row * windows.itemsize


def gemm_forward(xp: np.ndarray, weight: np.ndarray, stride, dilation, groups: int):
    """Cross-correlation of a padded ``(N, C, *S)`` input: ``(N, O, *out)``."""
    ndim = xp.ndim - 2
    windows = sliding_windows(xp, weight.shape[2:], stride, dilation)  # (N, C, *out, *k)
    out_size = windows.shape[2 : 2 + ndim]
    n, o = xp.shape[0], weight.shape[0]
    out = np.empty((n, o, *out_size), dtype=np.result_type(xp, weight))
    wg = weight.reshape(groups, o // groups, -1)  # (G, Og, Cg*K)
    chunks = plan_chunks(n, out_size[0], _row_bytes(windows, ndim, o))
    buffer = _workspace(windows, chunks, xp.dtype)
    for batch, rows in chunks:
        cols = im2col(windows[batch, :, rows], groups, buffer)  # (nb, G, Cg*K, Lc)
        if rows.stop - rows.start == out_size[0]:
            target = out[batch].reshape(cols.shape[0], groups, o // groups, -1)
            np.matmul(wg, cols, out=target)  # (nb, G, Og, L), written in place
        else:
            out[batch, :, rows] = np.matmul(wg, cols).reshape(out[batch, :, rows].shape)
    return out


def gemm_input_grad(
    grad_out: np.ndarray, weight: np.ndarray, padded_size, stride, dilation, groups: int
) -> np.ndarray:
    """Gradient w.r.t. the padded input ``(N, C, *padded_size)`` (col2im of ``W^T @ g``).

    This is also the transposed convolution of ``grad_out`` by ``weight``.
    """
    ndim = grad_out.ndim - 2
    n, o = grad_out.shape[:2]
    kernel = weight.shape[2:]
    channels = weight.shape[1] * groups
    dx = np.zeros((n, channels, *padded_size), dtype=np.result_type(grad_out, weight))
    view = sliding_windows(dx, kernel, stride, dilation, writeable=True)
    view = view[(slice(None), slice(None), *(slice(0, s) for s in grad_out.shape[2:]))]
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
        for index in np.ndindex(*kernel):
            target[(Ellipsis, *index)] += cols[(slice(None), slice(None), *index)]
    return dx


def gemm_weight_grad(
    xp: np.ndarray, grad_out: np.ndarray, kernel, stride, dilation, groups: int
) -> np.ndarray:
    """Gradient w.r.t. the weight ``(O, Cg, *kernel)``: ``sum_n g (Og, L) @ cols^T``."""
    ndim = xp.ndim - 2
    windows = sliding_windows(xp, kernel, stride, dilation)  # (N, C, *out, *k)
    windows = windows[(slice(None), slice(None), *(slice(0, s) for s in grad_out.shape[2:]))]
    n, o = grad_out.shape[:2]
    out_axes, kernel_axes = _layout(windows, ndim)
    grad = np.zeros(
        (groups, o // groups, xp.shape[1] // groups * math.prod(kernel)),
        dtype=np.result_type(xp, grad_out),
    )  # (G, Og, Cg*K)
    chunks = plan_chunks(n, grad_out.shape[2], _row_bytes(windows, ndim, o))
    buffer = _workspace(windows, chunks, xp.dtype)
    for batch, rows in chunks:
        chunk = windows[batch, :, rows].transpose(1, *kernel_axes, 0, *out_axes)  # (C,*k,nb,*o)
        cols = buffer[: chunk.size].reshape(chunk.shape)
        np.copyto(cols, chunk)
        cols = cols.reshape(groups, grad.shape[2], -1)  # (G, Cg*K, nb*Lc)
        g = np.moveaxis(grad_out[batch, :, rows], 1, 0)  # (O, nb, *out_chunk)
        g = g.reshape(groups, o // groups, -1)  # (G, Og, nb*Lc)
        grad += np.matmul(g, cols.swapaxes(1, 2))
    return grad.reshape(o, xp.shape[1] // groups, *kernel)
