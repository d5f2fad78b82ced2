"""Winograd's minimal filtering F(2, 3), in every dimension (Lavin & Gray, CVPR 2016).

For 3-tap kernels at stride 1 and dilation 1, each output tile of 2 cells per axis is
``Y = A^T [(G g G^T) * (B^T d B)] A`` from an input tile ``d`` of 4 cells: 4 multiplications
per axis instead of 6, so ``(4/6)^ndim`` of the GEMM work (0.44 in 2-D). Tiles overlap by 2
and come from :func:`sliding_windows` with kernel 4 and stride 2; the transforms act on the
leading tile axes, so each is one BLAS call on a ``(4, rest)`` matrix.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional._budget import plan_chunks
from convolab.functional._pad import pad_pairs
from convolab.functional._windows import sliding_windows

# Transforms of F(2, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks").
B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)


def winograd_applies(kernel, stride, dilation) -> bool:
    """True when F(2, 3) computes this convolution: kernel 3, stride 1, dilation 1."""
    return all(k == 3 for k in kernel) and set(stride) == {1} and set(dilation) == {1}


def _transform(t: np.ndarray, matrix: np.ndarray, ndim: int) -> np.ndarray:
    """Multiply each of the leading ``ndim`` axes of ``t`` by ``matrix`` (m, n)."""
    matrix = matrix.astype(t.dtype)
    for axis in range(ndim):
        lead = t.shape[:axis]
        flat = t.reshape(math.prod(lead), t.shape[axis], -1)  # (lead, n, rest)
        t = np.matmul(matrix, flat).reshape(*lead, matrix.shape[0], *t.shape[axis + 1 :])
    return t


def winograd_forward(xp: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    """Cross-correlation of a padded ``(N, C, *S)`` input with a 3-tap kernel."""
    ndim = xp.ndim - 2
    n, c = xp.shape[:2]
    o = weight.shape[0]
    dtype = np.result_type(xp, weight)
    out_size = tuple(s - 2 for s in xp.shape[2:])
    tiles = tuple(-(-s // 2) for s in out_size)
    # Zeros after the input so that the last tile is whole: 2 * tiles + 2 cells per axis.
    xp = pad_pairs(xp, tuple((0, 2 * t + 2 - s) for t, s in zip(tiles, xp.shape[2:])))
    w_lead = np.moveaxis(weight.astype(dtype), (0, 1), (-2, -1))  # (*k, O, Cg)
    u = _transform(w_lead, G, ndim).reshape(4**ndim, groups, o // groups, c // groups)
    out = np.empty((n, o, *(2 * t for t in tiles)), dtype=dtype)
    sample_bytes = (2 * c + 2 * o) * math.prod(tiles) * 4**ndim * np.dtype(dtype).itemsize
    for batch, _ in plan_chunks(n, 1, sample_bytes):
        out[batch] = _tiles_forward(xp[batch], u, ndim, groups, o)
    return out[(Ellipsis, *(slice(0, s) for s in out_size))]


def _tiles_forward(xp: np.ndarray, u: np.ndarray, ndim: int, groups: int, o: int):
    nb, c = xp.shape[:2]
    d = sliding_windows(xp, 4, 2)  # (nb, C, *tiles, *4)
    tiles = d.shape[2 : 2 + ndim]
    tile_axes, cell_axes = range(2, 2 + ndim), range(2 + ndim, 2 + 2 * ndim)
    d = d.transpose(*cell_axes, 1, 0, *tile_axes)  # (*4, C, nb, *tiles)
    v = _transform(np.ascontiguousarray(d), B_T, ndim)
    v = v.reshape(4**ndim, groups, c // groups, -1)  # (4^nd, G, Cg, P)
    m = np.matmul(u, v).reshape(*(4,) * ndim, o, nb, *tiles)  # (*4, O, nb, *tiles)
    y = _transform(m, A_T, ndim)  # (*2, O, nb, *tiles)
    order = [ndim + 1, ndim]  # (nb, O, then (tile, cell) per axis)
    for axis in range(ndim):
        order += [ndim + 2 + axis, axis]
    y = y.transpose(order)  # (nb, O, t0, 2, t1, 2, ...)
    return y.reshape(nb, o, *(2 * t for t in tiles))
