"""Winograd's minimal filtering F(m, 3) for 3-tap kernels, in every dimension.

For kernels of 3 taps per axis at stride 1 and dilation 1 (Lavin & Gray, "Fast Algorithms for
Convolutional Neural Networks", CVPR 2016), each output tile of ``m`` cells per axis is

    Y = A^T [ (G g G^T) * (B^T d B) ] A            (one axis at a time, for every axis)

from an input tile ``d`` of ``a = m + 2`` cells: ``a^ndim`` products per ``m^ndim`` outputs
instead of ``9^(ndim/2) m^ndim``, i.e. (in 2-D) 4/9 of the multiplications for F(2, 3) and
1/4 for F(4, 3). The products over the channels are ``a^ndim`` batched GEMMs ``U (Og, Cg) @
V (Cg, tiles)``; the transforms are small matrix products along one axis at a time. F(4, 3)
is used when the outputs fill its tiles (its points 0, +-1, +-2 keep float32 within ~1e-5 of
the exact sums, relative to the largest output), F(2, 3) for outputs under 8 cells a side.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from numpy.lib.stride_tricks import as_strided

from convolab.functional._pad import pad_pairs
from convolab.functional._runtime import (
    get_memory_budget,
    plan_chunks,
    run_stripes,
    scratch,
    workers,
)
from convolab.shape import Geometry

# (B^T, G, A^T) of F(2, 3) and F(4, 3), Lavin & Gray (2016), section 4.
_TRANSFORMS = {
    2: (
        [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
        [[1, 0, 0], [1 / 2, 1 / 2, 1 / 2], [1 / 2, -1 / 2, 1 / 2], [0, 0, 1]],
        [[1, 1, 1, 0], [0, 1, -1, -1]],
    ),
    4: (
        [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
         [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
        [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
         [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
        [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
    ),
}  # fmt: skip
SMALL_OUTPUT = 8  # below this many output cells a side, F(2, 3) wastes less on partial tiles
BLOCK_BYTES = 1 << 20  # a block's tiles and products, kept in cache: measured best ~0.5-1 MiB
MIN_TILES = 64  # the fewest tiles a block multiplies at once


def winograd_applies(geometry: Geometry) -> bool:
    """True when F(m, 3) computes this convolution: kernel 3, stride 1, dilation 1."""
    return set(geometry.kernel) == {3} and set(geometry.stride) == {1} == set(geometry.dilation)


def tile_size(out_size) -> int:
    """``m`` of the F(m, 3) used for outputs of ``out_size`` (see the module notes)."""
    return 2 if min(out_size) < SMALL_OUTPUT else 4


def winograd_forward(xp: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    """Cross-correlation of a padded ``(N, C, *S)`` input with a 3-tap kernel: ``(N, O, *out)``.

    Tiles are processed in blocks of about :data:`BLOCK_BYTES` (whole samples, or runs of
    tile rows of one), so that each block's transforms and products stay in cache (measured
    ~3x faster than the same passes over the whole batch), unless the channels make the
    transformed kernel ``U`` large: a block then grows so that ``U``, read once per block,
    stays a small part of its traffic. Blocks run on the engine's threads, BLAS on one
    thread each.
    """
    ndim = xp.ndim - 2
    n, c = xp.shape[:2]
    o = weight.shape[0]
    dtype = np.result_type(xp, weight)
    out_size = tuple(s - 2 for s in xp.shape[2:])
    m = tile_size(out_size)
    bt, g, at = (np.asarray(t, dtype=dtype) for t in _TRANSFORMS[m])
    a = m + 2
    tiles = tuple(-(-s // m) for s in out_size)
    # zeros after the input so that the last tile is whole: m * tiles + 2 cells per axis
    xp = pad_pairs(xp, tuple((0, m * t + 2 - s) for t, s in zip(tiles, xp.shape[2:])))
    u = np.moveaxis(weight.astype(dtype), (0, 1), (-2, -1))  # (*3, O, Cg)
    for axis in range(ndim):  # G g G^T, one axis at a time
        u = np.moveaxis(np.tensordot(g, u, axes=([1], [axis])), 0, axis)
    u = u.reshape(a**ndim, groups, o // groups, c // groups)  # (a^nd, G, Og, Cg)
    out = np.empty((n, o, *(m * t for t in tiles)), dtype=dtype)  # (N, O, *m tiles)
    tile_bytes = (2 * c + 2 * o) * a**ndim * np.dtype(dtype).itemsize  # in, out, transforms
    # a block holds at least MIN_TILES tiles (products of some width for BLAS), and enough
    # that re-reading U for each block stays under half the traffic
    block = max(BLOCK_BYTES, MIN_TILES * tile_bytes, 2 * u.nbytes)
    share = get_memory_budget() // workers()  # each thread has a block's buffers
    blocks = plan_chunks(n, tiles[0], tile_bytes * math.prod(tiles[1:]), min(block, share))
    work = partial(_block, xp, u, bt, at, tiles, groups, out)
    run_stripes(work, blocks)
    result = out[(Ellipsis, *(slice(0, s) for s in out_size))]
    return result if result.shape == out.shape else np.ascontiguousarray(result)


def _block(xp, u, bt, at, tiles, groups: int, out, block) -> None:
    """One block ``(samples, tile rows)`` of tiles: gathered, transformed, multiplied over the
    channels, transformed back and written into ``out``."""
    batch, rows = block
    ndim = len(tiles)
    a, m = bt.shape[0], at.shape[0]
    c, o = xp.shape[1], out.shape[1]
    steps = xp.strides[2:]
    start = (batch.start, 0, rows.start * m)
    first = xp[start[0] :, :, start[2] :]  # the block's first input cell on
    t_shape = (rows.stop - rows.start, *tiles[1:])
    nb = batch.stop - batch.start
    view = as_strided(first, (*(a,) * ndim, c, nb, *t_shape),
                      (*steps, xp.strides[1], xp.strides[0], *(s * m for s in steps)))  # fmt: skip
    d = scratch("winograd-in", view.shape, xp.dtype)  # (*a, C, nb, *t): every input tile
    np.copyto(d, view)
    v = _transform(d, bt, ndim).reshape(a**ndim, groups, c // groups, -1)  # (a^nd, G, Cg, T)
    product = np.matmul(u, v)  # (a^nd, G, Og, T)
    y = _transform(product.reshape(*(a,) * ndim, o, nb, *t_shape), at, ndim)  # (*m, O, nb, *t)
    order = [ndim + 1, ndim]  # (nb, O, then (tile, cell) per axis)
    for axis in range(ndim):
        order += [ndim + 2 + axis, axis]
    target = out[batch, :, rows.start * m : rows.stop * m]  # (nb, O, r m, *(m t))
    shape = [nb, o]
    for t in t_shape:
        shape += [t, m]
    target.reshape(shape)[...] = y.transpose(order)


def _transform(t: np.ndarray, matrix: np.ndarray, ndim: int) -> np.ndarray:
    """Multiply each of the leading ``ndim`` axes of ``t`` by ``matrix`` ``(p, q)``."""
    for axis in range(ndim):
        lead = t.shape[:axis]
        flat = t.reshape(math.prod(lead), t.shape[axis], -1)  # (lead, q, rest)
        t = np.matmul(matrix, flat).reshape(*lead, matrix.shape[0], *t.shape[axis + 1 :])
    return t
