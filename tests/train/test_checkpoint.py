"""Checkpoints: atomic, round-tripped, and a pickle that would run code is refused."""

from __future__ import annotations

import os
import pickle
import re
import stat
import warnings

import numpy as np
import pytest
import torch

from convolab._args import InputError
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


def _plain_pickles(tmp_path):
    """Files torch.save did not write: random bytes, text, plain pickles of every protocol."""
    rng = np.random.default_rng(7)
    files = {"random.pt": rng.integers(0, 256, 5000, dtype=np.uint8).tobytes(), "text.pt": b"hi"}
    for protocol in (2, 4, 5):
        files[f"plain{protocol}.pt"] = pickle.dumps({"w": [1.0, 2.0]}, protocol=protocol)
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    return files


def test_files_torch_save_did_not_write_are_named_so_without_warnings(tmp_path):
    _plain_pickles(tmp_path)
    expected = {
        "random.pt": "torch.save did not write it (it is neither a zip archive nor a pickle)",
        "text.pt": "torch.save did not write it",
        "plain2.pt": "it is a plain pickle, which torch.save does not write",
        "plain4.pt": "it is a plain pickle, which torch.save does not write",
        "plain5.pt": "it is a plain pickle, which torch.save does not write",
    }
    for name, reason in expected.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # torch's protocol warnings must not leak
            with pytest.raises(
                InputError, match=f"'.*{name}' is not a checkpoint: {re.escape(reason)}"
            ):
                load_trained(tmp_path / name)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_plain_pickle_naming_code_is_refused_by_name(tmp_path, protocol):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"model": RunsCode(marker)}, protocol=protocol))
    with pytest.raises(InputError, match=r"refusing to load checkpoint .*names posix\.system"):
        load_checkpoint(path)
    assert not marker.exists()


def test_damaged_and_foreign_torch_files(tmp_path):
    torch.save({"w": torch.ones(3)}, tmp_path / "good.pt")
    raw = (tmp_path / "good.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(
        InputError, match=r"'.*cut\.pt' is not a readable checkpoint: it is damaged"
    ):
        load_trained(tmp_path / "cut.pt")
    torch.save({"w": torch.ones(3)}, tmp_path / "p4.pt", pickle_protocol=4)
    with pytest.raises(InputError, match="does not read pickle protocol 4"):
        load_trained(tmp_path / "p4.pt")
    torch.save({"w": np.ones(3)}, tmp_path / "numpy.pt")
    with pytest.raises(InputError, match=r"names numpy\..*could run code"):
        load_trained(tmp_path / "numpy.pt")
    torch.save({"w": torch.ones(3)}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(InputError, match="carries no model card"):  # readable: no card
        load_trained(tmp_path / "legacy.pt")


def test_model_name_that_contradicts_the_card_is_refused(short_run):
    for name in ("best.pt", "model.safetensors"):
        with pytest.raises(InputError, match=r"model must be 'lenet5' \(or left out\).*'resnet18'"):
            load_trained(short_run.run_dir / name, "resnet18")
        assert load_trained(short_run.run_dir / name, "lenet5").card.model == "lenet5"


def test_foreign_weights_that_do_not_fit_the_named_model(tmp_path, short_run):
    torch.save(short_run.model.state_dict(), tmp_path / "lenet.pth")
    with pytest.raises(InputError, match=r"weights must be a state dict with keys fc\.weight"):
        load_trained(tmp_path / "lenet.pth", "resnet18")


def test_run_files_follow_the_umask(tmp_path, short_run):
    old = os.umask(0o027)
    try:
        save_weights(tmp_path / "w.safetensors", short_run.model, short_run.card)
        save_checkpoint(tmp_path / "c.pt", {"epoch": 1})
    finally:
        os.umask(old)
    for name in ("w.safetensors", "c.pt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name
