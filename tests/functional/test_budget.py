"""The workspace budget: chunked methods give the same answer and stay under the budget."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from functional_torch_ref import assert_close, t, torch_conv

import convolab.functional as cf

MiB = 2**20


def peak_extra(call) -> tuple[int, np.ndarray]:
    """Peak bytes NumPy allocated during ``call`` beyond its result."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - result.nbytes, result


def test_default_and_context_manager():
    assert cf.get_memory_budget() == 256 * MiB
    with cf.memory_budget(MiB):
        assert cf.get_memory_budget() == MiB
    assert cf.get_memory_budget() == 256 * MiB


@pytest.mark.parametrize("method", ["gemm", "direct", "winograd", "fft"])
def test_chunked_equals_unchunked(method):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 20, 20))
    w = rng.standard_normal((5, 4, 3, 3))
    with cf.memory_budget(4096):  # forces one sample, or a few rows, per chunk
        ours = cf.conv2d(x, w, padding=1, method=method)
    assert_close(ours, torch_conv(x, w, None, 1, 1, 1, 1))


def test_chunked_gradients():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 12, 12))
    w = rng.standard_normal((4, 3, 3, 3))
    g = rng.standard_normal((2, 4, 6, 6))
    wide = cf.conv2d_weight(x, w.shape, g, 2, 1), cf.conv2d_input(x.shape, w, g, 2, 1)
    with cf.memory_budget(2048):
        narrow = cf.conv2d_weight(x, w.shape, g, 2, 1), cf.conv2d_input(x.shape, w, g, 2, 1)
    for a, b in zip(wide, narrow):
        assert_close(a, b)


@pytest.mark.parametrize("budget", [1 * MiB, 4 * MiB])
def test_peak_memory_stays_under_budget(budget):
    # Full im2col would be 8 * 16*9 * 96*96 * 4 B = 42 MiB; the input itself is 4.5 MiB.
    x = np.random.default_rng(0).standard_normal((8, 16, 96, 96)).astype(np.float32)
    w = np.ones((16, 16, 3, 3), dtype=np.float32)
    with cf.memory_budget(budget):
        extra, _ = peak_extra(lambda: cf.conv2d(x, w, method="gemm"))
    assert extra <= budget + 64 * 1024, extra


@pytest.mark.parametrize("budget", [256 * 1024, 1 * MiB])
def test_toeplitz_bands_and_chunks_share_the_budget(budget):
    # Its band matrices are 8*5*20 x 8*16 float32 (400 KiB): over the 256 KiB budget
    # (refused); under the 1 MiB one with the rows and products of some of the 64 samples
    # (3.7 MiB for all of them).
    x = np.random.default_rng(0).standard_normal((64, 8, 20, 20)).astype(np.float32)
    w = np.ones((8, 8, 5, 5), dtype=np.float32)
    with cf.memory_budget(budget):
        if budget < 400 * 1024:
            with pytest.raises(ValueError, match="fit the memory budget"):
                cf.conv2d(x, w, method="toeplitz")
            return
        extra, ours = peak_extra(lambda: cf.conv2d(x, w, method="toeplitz"))
    assert extra <= budget + 64 * 1024, extra
    assert_close(ours, torch_conv(x, w, None, 1, 0, 1, 1), np.float32)


def test_budget_bounds_backward_too():
    x = np.random.default_rng(0).standard_normal((4, 16, 64, 64)).astype(np.float32)
    w = np.ones((16, 16, 3, 3), dtype=np.float32)
    g = np.ones((4, 16, 62, 62), dtype=np.float32)
    with cf.memory_budget(MiB):
        extra, _ = peak_extra(lambda: cf.conv2d_weight(x, w.shape, g))
    assert extra <= MiB + 64 * 1024, extra


def test_torch_reference_is_float64():
    assert t(np.ones(2, np.float32)).dtype.is_floating_point


def test_threaded_copies_give_the_same_answer(monkeypatch):
    from convolab.functional import _runtime as _parallel

    monkeypatch.setattr(_parallel, "MIN_BYTES", 0)  # split even tiny copies across threads
    monkeypatch.setattr(_parallel, "workers", lambda: 3)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 9, 9))
    w = rng.standard_normal((6, 2, 3, 3))
    g = rng.standard_normal((3, 6, 9, 9))
    b = rng.standard_normal(6)
    for bias in (None, b):  # samples split across workers, each with its own workspace
        ours = cf.conv2d(x, w, bias, 1, 1, 1, 2, method="gemm")
        assert_close(ours, torch_conv(x, w, bias, 1, 1, 1, 2))
    ref = cf.conv2d_input(x.shape, w, g, 1, 1, 1, 2)
    monkeypatch.setattr(_parallel, "workers", lambda: 1)
    assert_close(ref, cf.conv2d_input(x.shape, w, g, 1, 1, 1, 2))
