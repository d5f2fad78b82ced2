"""Trained runs shared by the predict and inspect tests, trained once per session."""

from __future__ import annotations

import numpy as np
import pytest

from convolab.cli.predict import EXAMPLE_INDEX
from convolab.data import DataSplits, ImageArrays, read_idx
from convolab.train import TrainConfig, fit

CLASSES = tuple(str(k) for k in range(10))


def _splits(name: str, images: np.ndarray, labels: np.ndarray, cuts) -> DataSplits:
    parts = np.split(np.arange(len(labels)), cuts)  # train, val, test
    arrays = [ImageArrays(images[p], labels[p]) for p in parts]
    return DataSplits(name, *arrays, CLASSES)


def _train(out, data: DataSplits, epochs: int):
    config = TrainConfig(data=data.name, epochs=epochs, out=str(out), device="cpu", augment=False)
    fit(config, data=data)
    return out


@pytest.fixture(scope="session")
def mnist(shared_dir):
    """The real MNIST test set (10,000 digits, white on black), from ../shared."""
    directory = shared_dir / "data" / "mnist-t10k"
    images = read_idx(directory / "t10k-images-idx3-ubyte.gz")  # (N, 28, 28) uint8
    labels = read_idx(directory / "t10k-labels-idx1-ubyte.gz").astype(np.int64)  # (N,)
    return directory, images, labels


@pytest.fixture(scope="session")
def mnist_run(mnist, tmp_path_factory):
    """LeNet-5 trained for one epoch on 8,000 MNIST digits; the example digit is not one."""
    directory, images, labels = mnist
    keep = np.delete(np.arange(len(labels)), EXAMPLE_INDEX)  # never trained or validated on
    data = _splits(f"mnist:{directory}", images[keep][..., None], labels[keep], [8000, 9000])
    return _train(tmp_path_factory.mktemp("mnist") / "run", data, epochs=1)


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory):
    """A LeNet-5 run on 300 of scikit-learn's digits (light on dark), one epoch: seconds."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.rint(bunch.images[:300] * (255 / 16)).astype(np.uint8)[..., None]
    data = _splits("digits", images, bunch.target[:300].astype(np.int64), [200, 250])
    return _train(tmp_path_factory.mktemp("digits") / "run", data, epochs=1)
