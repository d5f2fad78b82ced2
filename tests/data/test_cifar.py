"""CIFAR-10 python batches, and the unpickler that refuses to run code."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from data_writers import RunsCode, write_cifar

from convolab.data import SafeUnpickler, load_data


def test_cifar10_directory(tmp_path, rng):
    batches = write_cifar(tmp_path / "c", rng)
    splits = load_data(f"cifar10:{tmp_path / 'c'}")
    assert (len(splits.train) + len(splits.val), len(splits.test)) == (100, 20)
    assert splits.classes[0] == "airplane" and splits.flip
    test = batches["test_batch"]
    # a row holds the 1024 red, then green, then blue values of a 32x32 image
    planes = test[b"data"].reshape(20, 3, 32, 32)
    np.testing.assert_array_equal(splits.test.images[..., 1], planes[:, 1])
    np.testing.assert_array_equal(splits.test.labels, test[b"labels"])


def test_code_in_a_batch_is_refused_and_never_runs(tmp_path, rng):
    write_cifar(tmp_path / "c", rng)
    marker = tmp_path / "pwned"
    payload = {b"data": RunsCode(marker), b"labels": [0]}
    (tmp_path / "c" / "data_batch_3").write_bytes(pickle.dumps(payload, protocol=2))
    with pytest.raises(
        ValueError,
        match=r"data_batch_3 is not a safe CIFAR pickle.*"
        r"refusing to load posix.system",
    ):
        load_data(f"cifar10:{tmp_path / 'c'}")
    assert not marker.exists()


@pytest.mark.parametrize(
    "module, name",
    [("os", "system"), ("builtins", "eval"), ("numpy", "load"), ("subprocess", "Popen")],
)
def test_safe_unpickler_refuses_other_globals(module, name):
    raw = f"c{module}\n{name}\n.".encode()  # protocol 0 GLOBAL opcode
    with pytest.raises(pickle.UnpicklingError, match=f"refusing to load {module}.{name}"):
        SafeUnpickler(__import__("io").BytesIO(raw)).load()


def test_missing_and_malformed_batches(tmp_path, rng):
    write_cifar(tmp_path / "c", rng)
    (tmp_path / "c" / "test_batch").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing test_batch; found batches\.meta"):
        load_data(f"cifar10:{tmp_path / 'c'}")
    write_cifar(tmp_path / "c", rng)
    (tmp_path / "c" / "data_batch_1").write_bytes(pickle.dumps({b"data": np.zeros((2, 5))}))
    with pytest.raises(ValueError, match=r"data_batch_1 must hold 'data', a uint8 array"):
        load_data(f"cifar10:{tmp_path / 'c'}")
    (tmp_path / "c" / "data_batch_1").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="data_batch_1 is not"):
        load_data(f"cifar10:{tmp_path / 'c'}")
