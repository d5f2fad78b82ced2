"""A run killed with SIGKILL mid-epoch and resumed ends bit-identical to an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import torch

from convolab.train import TrainConfig, fit, load_checkpoint

# Small but real: LeNet-5 on digits, 3 epochs of 19 steps, killed in the middle of epoch 3.
SETTINGS = dict(epochs=3, batch_size=64, seed=3, device="cpu", threads=1)
KILL_AT_STEP = 19 * 2 + 7

KILLED_RUN = """
import os, signal, sys
import torch
from convolab.models import LeNet5
from convolab.train import TrainConfig, fit

torch.set_num_threads(1)
steps = 0

def kill_mid_epoch(module, args):
    global steps
    if isinstance(module, LeNet5) and module.training:
        steps += 1
        if steps == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)

torch.nn.modules.module.register_module_forward_pre_hook(kill_mid_epoch)
fit(TrainConfig(out=sys.argv[1], **{settings}))
"""


def _run_killed(out) -> int:
    script = textwrap.dedent(KILLED_RUN).format(kill_at=KILL_AT_STEP, settings=SETTINGS)
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)], capture_output=True, text=True, timeout=120
    )
    return done.returncode


def test_sigkill_mid_epoch_then_resume_is_bit_identical(tmp_path):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the killed subprocess uses one thread too: same float sums
    try:
        assert _run_killed(tmp_path / "run") == -signal.SIGKILL
        state = load_checkpoint(tmp_path / "run" / "last.pt")
        assert state["epoch"] == 2  # killed in epoch 3: last.pt holds the end of epoch 2
        assert not (tmp_path / "run" / "model.safetensors").exists()
        assert not [p for p in os.listdir(tmp_path / "run") if p.endswith(".tmp.pt")]
        resumed = fit(TrainConfig(out=str(tmp_path / "run"), resume=True, **SETTINGS))
        straight = fit(TrainConfig(out=str(tmp_path / "straight"), **SETTINGS))
    finally:
        torch.set_num_threads(threads)
    a, b = resumed.model.state_dict(), straight.model.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert resumed.history == [
        {**row, "time_s": r["time_s"], "img_per_s": r["img_per_s"]}
        for row, r in zip(straight.history, resumed.history)
    ]
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == SETTINGS["epochs"]
