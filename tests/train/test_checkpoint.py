"""Checkpoints: atomic, round-tripped, and a pickle that would run code is refused."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from convolab.train import load_checkpoint, load_trained
from convolab.train._checkpoint import save_checkpoint, save_weights
from convolab.train._runtime import rng_state, set_rng_state


class RunsCode:
    """Unpickling this would create ``marker`` (it must never happen)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("name", ["last.pt", "weights.pth"])
def test_malicious_pickle_is_refused_before_running(tmp_path, name):
    marker = tmp_path / "pwned"
    path = tmp_path / name
    torch.save({"model": RunsCode(marker)}, path)
    loader = load_checkpoint if name == "last.pt" else load_trained
    with pytest.raises(ValueError, match=r"refusing to load .* unpickling it could run code"):
        loader(path)
    with open(path, "rb") as f:  # the file really does run code when unpickled blindly
        assert "system" in repr(f.read())
    assert not marker.exists()


def test_malicious_weights_for_fine_tuning_are_refused(tmp_path):
    from convolab.train import TrainConfig, fit

    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    with open(path, "wb") as f:
        pickle.dump({"features.c1.weight": RunsCode(marker)}, f, protocol=2)
    with pytest.raises(ValueError, match=r"refusing to load weights .* could run code"):
        fit(TrainConfig(epochs=1, weights=str(path)))
    assert not marker.exists()


def test_checkpoint_roundtrip_and_not_a_checkpoint(tmp_path):
    state = {"epoch": 3, "model": {"w": torch.arange(4.0)}, "rng": rng_state()}
    save_checkpoint(tmp_path / "c.pt", state)
    back = load_checkpoint(tmp_path / "c.pt")
    assert back["epoch"] == 3 and torch.equal(back["model"]["w"], torch.arange(4.0))
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]  # no temporary file left
    torch.save({"w": torch.ones(2)}, tmp_path / "plain.pt")
    with pytest.raises(ValueError, match="not a convolab training checkpoint"):
        load_checkpoint(tmp_path / "plain.pt")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"junk\.pt"):
        load_checkpoint(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.pt")


def test_rng_state_restores_every_generator():
    import random

    import numpy as np

    saved = rng_state()
    first = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    set_rng_state(saved)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first  # noqa: NPY002


def test_foreign_weights_need_a_model_name(tmp_path, short_run):
    torch.save(short_run.model.state_dict(), tmp_path / "plain.pth")
    with pytest.raises(ValueError, match="carries no model card; pass the model name"):
        load_trained(tmp_path / "plain.pth")
    trained = load_trained(tmp_path / "plain.pth", "lenet5")
    assert trained.card.classes == tuple("0123456789")
    save_weights(tmp_path / "w.safetensors", short_run.model, short_run.card)
    again = load_trained(tmp_path / "w.safetensors")
    assert again.card == short_run.card
    with pytest.raises(FileNotFoundError, match=r"must hold model\.safetensors"):
        load_trained(tmp_path)
