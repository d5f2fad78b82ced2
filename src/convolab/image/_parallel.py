"""Row stripes on a small thread pool, with BLAS held to one thread meanwhile.

An image is filtered in horizontal stripes, one per CPU (as OpenCV's ``parallel_for_`` splits
rows): each thread converts, filters and rounds its own rows, so the element-wise work is
parallel too, not only the matrix products.
NumPy and OpenBLAS release the GIL, so the threads run in parallel; BLAS is limited to one
thread meanwhile, since BLAS threads on top of ours (or on a single allowed CPU) only contend:
measured 10-100x slower on a busy 2-core machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

_POOL: dict[int, ThreadPoolExecutor] = {}
_CONTROLLER = []


def cpu_threads() -> int:
    """CPUs this process may run on (respects ``taskset`` / affinity)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def run_stripes(work: Callable[[slice], None], stripes: Sequence[slice]) -> None:
    """Call ``work(stripe)`` for every stripe, on up to :func:`cpu_threads` threads."""
    threads = min(cpu_threads(), len(stripes))
    with _one_blas_thread():
        if threads <= 1:
            for stripe in stripes:
                work(stripe)
            return
        pool = _POOL.get(threads) or _POOL.setdefault(threads, ThreadPoolExecutor(threads))
        list(pool.map(work, stripes))  # list(): re-raise the first exception here


def _one_blas_thread():
    """A context limiting BLAS to one thread (threadpoolctl, looked up once)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # without it the stripes still run, BLAS threads and all
        return nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def stripes_of(rows: int, threads: int, multiple: int) -> list[slice]:
    """One range of rows per thread, each a multiple of ``multiple`` rows but the last.

    Stripes stay tall on purpose: a row pass is one matrix product per block of columns
    whose height is the stripe's, and BLAS needs that height to run at speed.
    """
    size = -(-rows // max(threads, 1))
    size = -(-size // multiple) * multiple
    return [slice(lo, min(lo + size, rows)) for lo in range(0, rows, size)]
