"""Fixtures of the explain tests: a trained LeNet-5 run. The ``browser`` fixture (headless
Debian Chromium through Playwright, skipping when either is missing) comes from
``tests/conftest.py``; pages are opened and served by ``_explain_pages``."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory):
    """LeNet-5 trained on scikit-learn's digits for three epochs (seconds), a run directory."""
    from convolab.train import TrainConfig, fit

    out = tmp_path_factory.mktemp("explain") / "lenet"
    fit(TrainConfig(model="lenet5", data="digits", epochs=3, out=str(out), augment=False))
    return out
