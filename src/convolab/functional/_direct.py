"""Direct convolution: the definition, one kernel offset at a time.

``out[n, o, *i] = sum_j weight[o, :, *j] . x[n, :, *(i*s + j*d)]``: for each kernel offset
``j`` the shifted input (a slice of the window view) is multiplied by the ``(Og, Cg)``
weight slice and accumulated. No im2col buffer: the workspace is one shifted input chunk.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.functional._runtime import plan_chunks, workspace
from convolab.functional._windows import windows_of
from convolab.shape import Geometry


def direct_forward(xp: np.ndarray, weight: np.ndarray, geometry: Geometry, groups: int):
    """Cross-correlation of a padded ``(N, C, *S)`` input: ``(N, O, *out)``."""
    ndim = xp.ndim - 2
    kernel, out_size = geometry.kernel, geometry.out
    windows = windows_of(xp, geometry)  # (N, C, *out, *k)
    n, c = xp.shape[:2]
    o = weight.shape[0]
    out = np.zeros((n, o, *out_size), dtype=np.result_type(xp, weight))
    wk = weight.reshape(groups, o // groups, c // groups, -1)  # (G, Og, Cg, K)
    row_bytes = c * math.prod(out_size[1:]) * xp.itemsize
    chunks = plan_chunks(n, out_size[0], row_bytes)
    first = windows[chunks[0][0], :, chunks[0][1]]  # the largest chunk
    buffer = workspace(math.prod(first.shape[: 2 + ndim]), xp.dtype)
    for batch, rows in chunks:
        chunk = windows[batch, :, rows]  # (nb, C, *out_chunk, *k)
        acc = out[batch, :, rows]  # (nb, O, *out_chunk), a view
        shifted = buffer[: math.prod(chunk.shape[: 2 + ndim])].reshape(chunk.shape[: 2 + ndim])
        for k, index in enumerate(np.ndindex(*kernel)):
            np.copyto(shifted, chunk[(Ellipsis, *index)])  # (nb, C, *out_chunk)
            flat = shifted.reshape(chunk.shape[0], groups, c // groups, -1)  # (nb, G, Cg, Lc)
            acc += np.matmul(wk[..., k], flat).reshape(acc.shape)
    return out
