"""The engine's runtime: CPUs, one thread pool, the BLAS thread limit, memory budget, scratch.

Everything that runs the engine's methods in parallel or gives them memory lives here:

* :func:`workers` -- the CPUs this process may run on (its affinity mask);
* :func:`split_apply`, :func:`run_stripes` -- work split over one shared thread pool, the
  caller taking a share itself (a hand-off costs tens of microseconds, whole scheduler time
  slices on a busy machine, so small work runs inline);
* :func:`one_blas_thread` -- BLAS held to one thread while our own threads run products, as a
  reference-counted context: two user threads inside it at once never leave BLAS limited;
* :func:`memory_budget` and :func:`plan_chunks` -- the workspace budget, per context
  (a :class:`contextvars.ContextVar`), and batches/rows cut to fit it;
* :func:`scratch` -- per-thread reusable buffers by role (fresh pages cost ~4x a copy).

NumPy and OpenBLAS release the GIL, so the pool's threads run in parallel.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from convolab._args import as_int

DEFAULT_BUDGET = 256 * 2**20  # bytes of workspace a call may use
MIN_BYTES = 2 << 20  # split_apply runs work under 2 MiB inline
KEEP_BYTES = 32 << 20  # scratch requests above this get a fresh array, not kept
_PREFIX = "convolab-worker"
_BUDGET = contextvars.ContextVar("convolab_memory_budget", default=DEFAULT_BUDGET)
_LOCAL = threading.local()  # per-thread scratch buffers
_POOL: list[ThreadPoolExecutor] = []  # the one pool, created on first use
_BLAS = {"lock": threading.Lock(), "users": 0, "saved": [], "controllers": None}


def workers() -> int:
    """CPUs this process may run on (the affinity mask, as taskset and benchmarks set it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max(workers() - 1, 1), thread_name_prefix=_PREFIX))
    return _POOL[0]


def _in_worker() -> bool:
    """A worker waiting on workers of its own pool could deadlock: it runs its work inline."""
    return threading.current_thread().name.startswith(_PREFIX)


def run_parts(func: Callable, parts: Sequence) -> None:
    """``func(part)`` for every part, the first in the calling thread, the rest on the pool."""
    if len(parts) < 2 or _in_worker():
        for part in parts:
            func(part)
        return
    futures = [_pool().submit(func, part) for part in parts[1:]]
    func(parts[0])
    for future in futures:
        future.result()  # re-raises a worker's exception here


def split_apply(func, arrays: tuple[np.ndarray, ...], axis: int, nbytes: int) -> None:
    """Run ``func(*slices)`` on slices of ``arrays`` along ``axis``, one slice per CPU.

    Each slice must touch disjoint output memory (the caller's guarantee); ``nbytes`` is the
    size of the work: under :data:`MIN_BYTES` it runs inline.
    """
    count = min(workers(), arrays[0].shape[axis])
    if count < 2 or nbytes < MIN_BYTES:
        func(*arrays)
        return
    bounds = np.linspace(0, arrays[0].shape[axis], count + 1).astype(int)
    index = (slice(None),) * axis
    parts = [tuple(a[(*index, slice(lo, hi))] for a in arrays) for lo, hi in
             itertools.pairwise(bounds)]  # fmt: skip
    run_parts(lambda part: func(*part), parts)


def copyto(dst: np.ndarray, src: np.ndarray) -> None:
    """``np.copyto(dst, src)`` for same-shape arrays, split along the first axis that splits."""
    axis = next((i for i, n in enumerate(dst.shape) if n >= 2), 0)
    split_apply(np.copyto, (dst, src), axis, dst.nbytes)


def run_stripes(work: Callable[[slice], None], stripes: Sequence, threads=None) -> None:
    """Call ``work(stripe)`` for every stripe, split in runs of neighbours, one per thread,
    with BLAS on one thread meanwhile (``threads``: at most this many; default one per CPU).
    A single stripe runs in the calling thread with BLAS on all its threads."""
    threads = min(threads or workers(), len(stripes))
    if len(stripes) == 1:
        work(stripes[0])
        return
    runs = [stripes[i * len(stripes) // threads : (i + 1) * len(stripes) // threads]
            for i in range(threads)]  # fmt: skip

    def run(part: Sequence) -> None:
        for stripe in part:
            work(stripe)

    with one_blas_thread():
        run_parts(run, runs)


def stripes_of(rows: int, size: int) -> list[slice]:
    """Consecutive ranges of ``size`` rows (the last one shorter) covering ``rows``."""
    return [slice(lo, min(lo + size, rows)) for lo in range(0, rows, max(size, 1))]


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread while any caller is inside (BLAS threads on top of ours only
    contend: measured 10-100x slower on a busy 2-core machine). The first caller in saves the
    libraries' thread counts and the last one out restores them, so concurrent callers never
    leave BLAS limited (threadpoolctl's controllers; nothing happens without it)."""
    state = _BLAS
    with state["lock"]:
        if state["users"] == 0:
            controllers = _blas_controllers()
            state["saved"] = [(c, c.get_num_threads()) for c in controllers]
            for controller, count in state["saved"]:
                if count != 1:
                    controller.set_num_threads(1)
        state["users"] += 1
    try:
        yield
    finally:
        with state["lock"]:
            state["users"] -= 1
            if state["users"] == 0:
                for controller, count in state["saved"]:
                    if count != 1:
                        controller.set_num_threads(count)


def _blas_controllers() -> list:
    """threadpoolctl's controllers of the loaded BLAS libraries, looked up once."""
    if _BLAS["controllers"] is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # without it the work still runs, BLAS threads and all
            _BLAS["controllers"] = []
        else:
            controller = ThreadpoolController().select(user_api="blas")
            _BLAS["controllers"] = list(controller.lib_controllers)
    return _BLAS["controllers"]


def get_memory_budget() -> int:
    """The current workspace budget, in bytes."""
    return _BUDGET.get()


def set_memory_budget(nbytes: int) -> None:
    """Set the workspace budget (bytes, >= 1) for the current context."""
    _BUDGET.set(as_int(nbytes, "nbytes", minimum=1))


@contextlib.contextmanager
def memory_budget(nbytes: int) -> Iterator[None]:
    """Use a workspace budget of ``nbytes`` inside a ``with`` block.

    >>> with memory_budget(64 * 2**20):
    ...     pass  # convolutions in here use at most ~64 MiB of workspace
    """
    token = _BUDGET.set(as_int(nbytes, "nbytes", minimum=1))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def plan_chunks(batch: int, rows: int, row_bytes: int, budget=None) -> list[tuple[slice, slice]]:
    """Split ``batch`` samples of ``rows`` output rows into chunks under the budget.

    ``row_bytes`` is the workspace one output row of one sample needs. Whole samples are
    grouped while they fit; a sample larger than the budget is split by rows (one row is
    the smallest chunk). ``budget``: bytes, default the memory budget (a cache size for
    blocked methods, which then stay under both).
    """
    budget = _BUDGET.get() if budget is None else min(budget, _BUDGET.get())
    sample_bytes = max(rows * row_bytes, 1)
    if sample_bytes * batch <= budget:  # one chunk (the usual case of a layer call)
        return [(slice(0, batch), slice(0, rows))]
    if sample_bytes <= budget:
        step = max(budget // sample_bytes, 1)
        return [(slice(n, min(n + step, batch)), slice(0, rows)) for n in range(0, batch, step)]
    step = max(budget // max(row_bytes, 1), 1)
    return [(slice(n, n + 1), slice(r, min(r + step, rows))) for n in range(batch)
            for r in range(0, rows, step)]  # fmt: skip


def scratch(role: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised array for ``role``, reused by later calls of this thread.

    Each role keeps one buffer, grown when needed, at most the memory budget (and
    :data:`KEEP_BYTES` for roles other than ``'workspace'``): a larger request gets a fresh
    array that is not kept. Nothing may keep a view of it after the call that asked for it.
    """
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    keep = _BUDGET.get() if role == "workspace" else min(KEEP_BYTES, _BUDGET.get())
    if nbytes > keep:
        return np.empty(shape, dtype=dtype)
    buffers = _LOCAL.__dict__.setdefault("buffers", {})
    buffer = buffers.get(role)
    if buffer is None or buffer.nbytes < nbytes or buffer.nbytes > keep:
        buffers[role] = None  # free the old one before allocating
        buffer = buffers[role] = np.empty(max(nbytes, 1), dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)


def workspace(size: int, dtype) -> np.ndarray:
    """A flat scratch array of ``size`` elements for the conv methods' columns."""
    return scratch("workspace", (size,), dtype)


def release_workspace() -> None:
    """Free this thread's cached buffers (the next call allocates new ones)."""
    _LOCAL.buffers = {}
