"""CPU threads: only the idle cores, so a busy machine does not make training 10x slower."""

from __future__ import annotations

import os

import pytest
import torch

from convolab.train import TrainConfig, fit
from convolab.train import _runtime as rt


@pytest.mark.parametrize(
    "cores, load, local, expected",
    [
        (2, 0.1, 1, 2),  # idle: every core
        (2, 1.2, 1, 1),  # one core busy (a `while 1: pass`)
        (2, 6.5, 1, 1),  # a shared machine: one thread, never 0
        (16, 3.6, 1, 12),
        (16, 0.0, 4, 4),  # torchrun with 4 local processes shares the cores
        (16, 14.0, 4, 1),
    ],
)
def test_idle_cores(monkeypatch, cores, load, local, expected):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    threads, why = rt.idle_cores(local)
    assert threads == expected
    assert why == f"{cores} cores, load average {load:.1f}"


def test_no_load_average_means_one_thread(monkeypatch):
    def unavailable():
        raise OSError("no load average")

    monkeypatch.setattr(os, "getloadavg", unavailable)
    assert rt.idle_cores()[0] == 1


def test_fit_uses_the_threads_it_says_and_gives_them_back(monkeypatch, small_data, capsys):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.7, 1.0, 1.0))  # 3 cores - 2 busy = 1
    seen = []
    monkeypatch.setattr(rt, "barrier", lambda runtime: seen.append(torch.get_num_threads()))
    before = torch.get_num_threads()
    fit(TrainConfig(epochs=1, device="cpu"), data=small_data())
    assert seen == [1] and torch.get_num_threads() == before
    assert "cpu, 1 thread (3 cores, load average 1.7)" in capsys.readouterr().out
    fit(TrainConfig(epochs=1, device="cpu", threads=2), data=small_data())
    assert seen == [1, 2] and torch.get_num_threads() == before
    assert "cpu, 2 threads (as asked)" in capsys.readouterr().out
