"""torchrun with 2 CPU processes: DDP over gloo, metrics reduced, only rank 0 writes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from convolab.train import TrainConfig, fit

EPOCHS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    shutil.which("torchrun", path=str(Path(sys.executable).parent)) is None,
    reason="torchrun is not installed beside this Python",
)
def test_two_cpu_processes_match_one_within_noise(tmp_path):
    torchrun = str(Path(sys.executable).parent / "torchrun")
    out = tmp_path / "ddp"
    cmd = [
        torchrun,
        "--nproc_per_node=2",
        f"--master_port={_free_port()}",
        "-m",
        "convolab",
        "train",
        "lenet5",
        "--epochs",
        str(EPOCHS),
        "--device",
        "cpu",
        "--out",
        str(out),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    summaries = [ln for ln in done.stdout.splitlines() if ln.startswith("epoch")]
    assert len(summaries) == EPOCHS  # rank 0 alone prints
    rows = [json.loads(ln) for ln in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == list(range(1, EPOCHS + 1))
    test = json.loads((out / "test.json").read_text())
    assert test["count"] == 359  # every test image counted once over the two shards
    single = fit(TrainConfig(epochs=EPOCHS, device="cpu"))
    assert abs(test["accuracy"] - single.test.accuracy) <= 0.03
    assert test["accuracy"] >= 0.9
