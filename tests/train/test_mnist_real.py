"""LeNet-5 on real MNIST digits: an MNIST-layout directory built from the t10k files.

The 10,000 real test images of ../shared/data/mnist-t10k are cut into 8,000 written as the
training IDX files and 2,000 held out as the t10k files; `convolab train lenet5 --data
mnist:DIR` must reach >= 98% on the held-out 2,000.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from convolab.cli import main
from convolab.data import read_idx

pytestmark = pytest.mark.slow  # 108,000 training images: 1-2.5 minutes on 2 cores


def _idx(array: np.ndarray) -> bytes:
    code = 0x08  # unsigned byte
    return (
        bytes([0, 0, code, array.ndim])
        + np.array(array.shape, ">u4").tobytes()
        + array.astype(np.uint8).tobytes()
    )


@pytest.fixture
def mnist_dir(shared_dir, tmp_path):
    source = shared_dir / "data" / "mnist-t10k"
    if not (source / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"{source} does not hold t10k-images-idx3-ubyte.gz")
    images = read_idx(source / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(source / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28)
    files = {
        "train-images-idx3-ubyte.gz": images[:8000],
        "train-labels-idx1-ubyte.gz": labels[:8000],
        "t10k-images-idx3-ubyte.gz": images[8000:],
        "t10k-labels-idx1-ubyte.gz": labels[8000:],
    }
    root = tmp_path / "mnist"
    root.mkdir()
    for name, array in files.items():
        (root / name).write_bytes(gzip.compress(_idx(array)))
    return root


def test_lenet5_reaches_98_percent_on_held_out_real_digits(mnist_dir, tmp_path):
    out = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "lenet5",
                "--data",
                f"mnist:{mnist_dir}",
                "--epochs",
                "15",
                "--device",
                "cpu",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    test = json.loads((out / "test.json").read_text())
    assert test["count"] == 2000
    assert test["accuracy"] >= 0.98
