"""Memory-bound NumPy work split across threads.

BLAS runs the products on every core, but the copies around them (im2col, col2im's
scatter-add) are single-threaded NumPy loops, which release the GIL: splitting them into
slices run by a small thread pool uses the other cores too. Work under ``MIN_BYTES`` runs
inline: a thread hand-off costs tens of microseconds, far more on a loaded machine.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_BYTES = 2 << 20  # below 2 MiB of output the work runs inline
_POOLS: dict[int, ThreadPoolExecutor] = {}
_PREFIX = "convolab-worker"


def workers() -> int:
    """CPUs this process may run on (the affinity mask, as taskset/benchmarks set it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _pool(size: int) -> ThreadPoolExecutor:
    if size not in _POOLS:
        _POOLS[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=_PREFIX)
    return _POOLS[size]


def split_apply(func, arrays: tuple[np.ndarray, ...], axis: int, nbytes: int) -> None:
    """Run ``func(*parts)`` on slices of ``arrays`` along ``axis``, one slice per CPU.

    Each slice must touch disjoint output memory (the caller's guarantee); ``nbytes`` is
    the size of the work, compared with :data:`MIN_BYTES`.
    """
    count = min(workers(), arrays[0].shape[axis])
    nested = threading.current_thread().name.startswith(_PREFIX)  # a worker waiting on
    if count < 2 or nbytes < MIN_BYTES or nested:  # workers of its own pool would deadlock
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
