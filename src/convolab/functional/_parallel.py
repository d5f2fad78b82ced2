"""Memory-bound NumPy work split across threads.

BLAS runs the products on every core, but the copies around them (im2col, col2im's
scatter-add) are single-threaded NumPy loops, which release the GIL: splitting them into
slices run by a small thread pool uses the other cores too. Work under ``MIN_BYTES`` runs
inline, where a thread hand-off would cost more than it saves.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_BYTES = 1 << 20  # below 1 MiB of output the work runs inline
_POOLS: dict[int, ThreadPoolExecutor] = {}


def workers() -> int:
    """CPUs this process may run on (the affinity mask, as taskset/benchmarks set it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _pool(size: int) -> ThreadPoolExecutor:
    if size not in _POOLS:
        _POOLS[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="convolab")
    return _POOLS[size]


def split_apply(func, arrays: tuple[np.ndarray, ...], axis: int, nbytes: int) -> None:
    """Run ``func(*parts)`` on slices of ``arrays`` along ``axis``, one slice per CPU.

    Each slice must touch disjoint output memory (the caller's guarantee); ``nbytes`` is
    the size of the work, compared with :data:`MIN_BYTES`.
    """
    count = min(workers(), arrays[0].shape[axis])
    if count < 2 or nbytes < MIN_BYTES:
        func(*arrays)
        return
    bounds = np.linspace(0, arrays[0].shape[axis], count + 1).astype(int)
    index = (slice(None),) * axis
    futures = [
        _pool(count).submit(func, *(a[(*index, slice(lo, hi))] for a in arrays))
        for lo, hi in itertools.pairwise(bounds)
    ]
    for future in futures:
        future.result()  # re-raises a worker's exception here


def copyto(dst: np.ndarray, src: np.ndarray) -> None:
    """``np.copyto(dst, src)`` for same-shape arrays, split along the first axis that splits."""
    axis = next((i for i, n in enumerate(dst.shape) if n >= 2), 0)
    split_apply(np.copyto, (dst, src), axis, dst.nbytes)
