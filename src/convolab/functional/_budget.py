"""The memory budget for workspaces (im2col columns, Winograd and FFT buffers).

Every method processes the batch, and within one sample the first output axis, in chunks
whose workspace fits the budget, so extra memory stays bounded whatever the input size.
The budget lives in a :class:`contextvars.ContextVar`, so threads and async tasks each see
their own value.

>>> with memory_budget(64 * 2**20):
...     pass  # convolutions in here use at most ~64 MiB of workspace
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator

import numpy as np

from convolab._args import as_int

DEFAULT_BUDGET = 256 * 2**20  # bytes; the default
_BUDGET = contextvars.ContextVar("convolab_memory_budget", default=DEFAULT_BUDGET)
_SCRATCH = threading.local()  # one reusable workspace per thread


def get_memory_budget() -> int:
    """The current workspace budget, in bytes."""
    return _BUDGET.get()


def set_memory_budget(nbytes: int) -> None:
    """Set the workspace budget (bytes, >= 1) for the current context."""
    _BUDGET.set(as_int(nbytes, "nbytes", minimum=1))


@contextlib.contextmanager
def memory_budget(nbytes: int) -> Iterator[None]:
    """Use a workspace budget of ``nbytes`` inside a ``with`` block."""
    token = _BUDGET.set(as_int(nbytes, "nbytes", minimum=1))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def plan_chunks(batch: int, rows: int, row_bytes: int) -> list[tuple[slice, slice]]:
    """Split ``batch`` samples of ``rows`` output rows into chunks under the budget.

    ``row_bytes`` is the workspace one output row of one sample needs. Whole samples are
    grouped while they fit; a sample larger than the budget is split by rows (one row is
    the smallest chunk).
    """
    budget = get_memory_budget()
    sample_bytes = max(rows * row_bytes, 1)
    if sample_bytes <= budget:
        step = max(budget // sample_bytes, 1)
        return [(slice(n, min(n + step, batch)), slice(0, rows)) for n in range(0, batch, step)]
    step = max(budget // max(row_bytes, 1), 1)
    return [
        (slice(n, n + 1), slice(r, min(r + step, rows)))
        for n in range(batch)
        for r in range(0, rows, step)
    ]


def workspace(size: int, dtype) -> np.ndarray:
    """A flat scratch array of ``size`` elements, reused by later calls in this thread.

    Reuse matters: a fresh 40 MB array costs ~4x its copy time in page faults. The buffer
    kept is at most the budget (a larger one is dropped once the budget shrinks); it holds
    nothing between calls, so nothing may keep a view of it after returning.
    """
    nbytes = size * np.dtype(dtype).itemsize
    buffer = getattr(_SCRATCH, "buffer", None)
    if buffer is None or buffer.nbytes < nbytes or buffer.nbytes > max(get_memory_budget(), nbytes):
        buffer = _SCRATCH.buffer = None  # free the old one before allocating
        buffer = _SCRATCH.buffer = np.empty(nbytes, dtype=np.uint8)
    return buffer[:nbytes].view(dtype)


def release_workspace() -> None:
    """Free this thread's cached workspace (the next convolution allocates a new one)."""
    _SCRATCH.buffer = None
