"""Winograd's minimal filtering F(2, 3), in every dimension (Lavin & Gray, CVPR 2016).

For 3-tap kernels at stride 1 and dilation 1, each output tile of 2 cells per axis is
``Y = A^T [(G g G^T) * (B^T d B)] A`` from an input tile ``d`` of 4 cells: 4 multiplications
per axis instead of 6, so ``(4/6)^ndim`` of the GEMM work (0.44 in 2-D). Tiles overlap by 2
are read as strided slices (the windows of kernel 4 and stride 2); the input and output
transforms are additions along one axis at a time, the product a batched GEMM per tile cell.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional._pad import pad_pairs
from convolab.functional._runtime import plan_chunks
from convolab.shape import Geometry

# The kernel transform of F(2, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
# Networks"); the input (B^T) and output (A^T) transforms are written out as additions in
# _combine and _output_transform.
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)


def winograd_applies(geometry: Geometry) -> bool:
    """True when F(2, 3) computes this convolution: kernel 3, stride 1, dilation 1."""
    return set(geometry.kernel) == {3} and set(geometry.stride) == {1} == set(geometry.dilation)


def _transform(t: np.ndarray, matrix: np.ndarray, ndim: int) -> np.ndarray:
    """Multiply each of the leading ``ndim`` axes of ``t`` by ``matrix`` (m, n)."""
    matrix = matrix.astype(t.dtype)
    for axis in range(ndim):
        lead = t.shape[:axis]
        flat = t.reshape(math.prod(lead), t.shape[axis], -1)  # (lead, n, rest)
        t = np.matmul(matrix, flat).reshape(*lead, matrix.shape[0], *t.shape[axis + 1 :])
    return t


def _combine(d: list[np.ndarray], out: np.ndarray, lead: int) -> None:
    """``B^T d = (d0 - d2, d1 + d2, d2 - d1, d1 - d3)`` into ``out``'s axis ``lead`` (size 4)."""
    cell = [out[(slice(None),) * lead + (i,)] for i in range(4)]
    np.subtract(d[0], d[2], out=cell[0])
    np.add(d[1], d[2], out=cell[1])
    np.subtract(d[2], d[1], out=cell[2])
    np.subtract(d[1], d[3], out=cell[3])


def _outer_pass(t: np.ndarray, axis: int, tiles: int) -> np.ndarray:
    """``B^T`` along spatial ``axis`` (not the last) of ``(*4 [axis], nb, C, ...)``."""
    position = 2 * axis + 2
    d = [t[(slice(None),) * position + (slice(i, i + 2 * tiles - 1, 2),)] for i in range(4)]
    out = np.empty((*t.shape[:axis], 4, *d[0].shape[axis:]), dtype=t.dtype)
    _combine(d, out, axis)
    return out  # (*4 [axis + 1], nb, C, ...)


def _input_transform(xp: np.ndarray, tiles, ndim: int) -> np.ndarray:
    """``V = B^T d B`` for every tile: ``(*4, C, nb, *tiles)`` (C before nb, for the GEMM).

    The last axis is first split into its even and odd cells, so that every pass reads
    and writes contiguous rows (step-2 slicing of the innermost axis defeats SIMD).
    """
    halves = [np.ascontiguousarray(xp[..., i::2]) for i in (0, 1)]  # (nb, C, ..., t + 1)
    for axis in range(ndim - 1):
        halves = [_outer_pass(h, axis, tiles[axis]) for h in halves]
    even, odd = halves  # (*4 [ndim - 1], nb, C, *tiles[:-1], t_last + 1)
    t = tiles[-1]
    d = [even[..., :t], odd[..., :t], even[..., 1 : t + 1], odd[..., 1 : t + 1]]
    lead, (nb, c), rest = even.shape[: ndim - 1], even.shape[ndim - 1 : ndim + 1], tiles
    final = np.empty((*lead, 4, c, nb, *rest), dtype=xp.dtype)  # (*4, C, nb, *tiles)
    _combine(d, np.swapaxes(final, ndim, ndim + 1), ndim - 1)
    return final


def _output_transform(m: np.ndarray, ndim: int) -> np.ndarray:
    """``Y = A^T M A`` on the leading axes: ``A^T m = (m0 + m1 + m2, m1 - m2 - m3)``."""
    for axis in range(ndim):
        part = [m[(slice(None),) * axis + (i,)] for i in range(4)]
        y = np.empty((*m.shape[:axis], 2, *m.shape[axis + 1 :]), dtype=m.dtype)
        first, second = y[(slice(None),) * axis + (0,)], y[(slice(None),) * axis + (1,)]
        np.add(part[0], part[1], out=first)
        first += part[2]
        np.subtract(part[1], part[2], out=second)
        second -= part[3]
        m = y
    return m


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
    sample_bytes = (2 * c + 2 * o) * math.prod(tiles) * 4**ndim * np.dtype(dtype).itemsize
    chunks = plan_chunks(n, 1, sample_bytes)
    if len(chunks) == 1:
        out = _tiles_forward(xp, u, tiles, groups, o)  # (N, O, *2 tiles)
    else:
        out = np.empty((n, o, *(2 * t for t in tiles)), dtype=dtype)
        for batch, _ in chunks:
            out[batch] = _tiles_forward(xp[batch], u, tiles, groups, o)
    result = out[(Ellipsis, *(slice(0, s) for s in out_size))]
    return result if result.shape == out.shape else np.ascontiguousarray(result)


def _tiles_forward(xp: np.ndarray, u: np.ndarray, tiles, groups: int, o: int):
    ndim = len(tiles)
    nb, c = xp.shape[:2]
    v = _input_transform(xp, tiles, ndim)  # (*4, C, nb, *tiles)
    v = v.reshape(4**ndim, groups, c // groups, -1)  # (4^nd, G, Cg, P)
    m = np.matmul(u, v).reshape(*(4,) * ndim, o, nb, *tiles)  # (*4, O, nb, *tiles)
    y = _output_transform(m, ndim)  # (*2, O, nb, *tiles)
    order = [ndim + 1, ndim]  # (nb, O, then (tile, cell) per axis)
    for axis in range(ndim):
        order += [ndim + 2 + axis, axis]
    y = y.transpose(order)  # (nb, O, t0, 2, t1, 2, ...)
    return y.reshape(nb, o, *(2 * t for t in tiles))
