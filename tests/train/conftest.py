"""One short LeNet-5 run on digits, shared by the tests that only read its results."""

from __future__ import annotations

import pytest

from convolab.train import TrainConfig, fit


@pytest.fixture(scope="session")
def short_run(tmp_path_factory):
    """FitResult of 4 epochs of LeNet-5 on digits, with its run directory."""
    out = tmp_path_factory.mktemp("runs") / "lenet5"
    return fit(TrainConfig(epochs=4, device="cpu", out=str(out)))


@pytest.fixture
def small_data(short_run):
    """``small_data(n)``: the first n training, 40 validation and 40 test digits."""
    from convolab.data import DataSplits

    def cut(n: int = 120) -> DataSplits:
        data = short_run.data
        return DataSplits(
            data.name,
            data.train.subset(slice(0, n)),
            data.val.subset(slice(0, 40)),
            data.test.subset(slice(0, 40)),
            data.classes,
        )

    return cut
