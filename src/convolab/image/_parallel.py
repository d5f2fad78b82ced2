"""Row stripes on a small thread pool, with BLAS held to one thread meanwhile.

An image is filtered in horizontal stripes (as OpenCV's ``parallel_for_`` splits rows), each
thread taking a run of neighbouring stripes: it converts, filters and rounds its own rows, so
the element-wise work is parallel too, not only the matrix products, and a stripe small
enough stays in cache from one pass to the next.
NumPy and OpenBLAS release the GIL, so the threads run in parallel; BLAS is limited to one
thread meanwhile, since BLAS threads on top of ours (or on a single allowed CPU) only contend:
measured 10-100x slower on a busy 2-core machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

_POOL: dict[int, ThreadPoolExecutor] = {}
_BLAS_LIBRARIES: list[list] = []  # [threadpoolctl controllers of BLAS], filled once


def cpu_threads() -> int:
    """CPUs this process may run on (respects ``taskset`` / affinity)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def run_stripes(
    work: Callable[[slice], None], stripes: Sequence[slice], threads: int | None = None
) -> None:
    """Call ``work(stripe)`` for every stripe, split in runs of neighbours, one per thread.

    ``threads``: at most this many (default: one per CPU). The caller takes the first run
    itself, so one thread fewer has to be woken (a hand-off costs whole scheduler time
    slices on a loaded machine).
    """
    threads = min(threads or cpu_threads(), len(stripes))
    runs = [
        stripes[i * len(stripes) // threads : (i + 1) * len(stripes) // threads]
        for i in range(threads)
    ]

    def run(part: Sequence[slice]) -> None:
        for stripe in part:
            work(stripe)

    with _one_blas_thread():
        if threads <= 1:
            run(stripes)
            return
        helpers = threads - 1
        pool = _POOL.get(helpers) or _POOL.setdefault(helpers, ThreadPoolExecutor(helpers))
        futures = [pool.submit(run, part) for part in runs[1:]]
        run(runs[0])
        for future in futures:
            future.result()  # re-raises a worker's exception here


@contextmanager
def _one_blas_thread():
    """Limit the BLAS libraries to one thread meanwhile (threadpoolctl's controllers, looked
    up once; their thread counts are read on every entry and put back on exit)."""
    libraries = _blas_libraries()
    saved = [lib.get_num_threads() for lib in libraries]
    for lib, n in zip(libraries, saved):
        if n != 1:
            lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, n in zip(libraries, saved):
            if n != 1:
                lib.set_num_threads(n)


def _blas_libraries() -> list:
    """threadpoolctl's controllers of the loaded BLAS libraries (none without it)."""
    if not _BLAS_LIBRARIES:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # without it the stripes still run, BLAS threads and all
            _BLAS_LIBRARIES.append([])
        else:
            _BLAS_LIBRARIES.append(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _BLAS_LIBRARIES[0]


def stripes_of(rows: int, size: int) -> list[slice]:
    """Consecutive ranges of ``size`` rows (the last one shorter) covering ``rows``."""
    return [slice(lo, min(lo + size, rows)) for lo in range(0, rows, max(size, 1))]
