"""--max-pixels reaches the folder data set: eval and the loaders refuse larger images."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from convolab import InputError
from convolab.cli import main
from convolab.data import load_data


@pytest.fixture
def folder(tmp_path):
    """An ImageFolder of 2 classes, 10 images of 20x30 pixels each."""
    rng = np.random.default_rng(0)
    for name in ("cats", "dogs"):
        (tmp_path / name).mkdir()
        for k in range(10):
            pixels = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / name / f"{k}.png")
    return tmp_path


def test_the_folder_loader_takes_the_limit(folder):
    data = load_data(f"folder:{folder}", size=(16, 16), max_pixels=600)  # 20 x 30 = 600
    assert data.train.images.shape[1:] == (16, 16, 3)
    with pytest.raises(InputError, match=r"has 600 pixels \(30x20\), more than max_pixels=599"):
        load_data(f"folder:{folder}", size=(16, 16), max_pixels=599)


def test_eval_max_pixels(digits_run, folder, capsys):
    argv = ["eval", str(digits_run), "--data", f"folder:{folder}"]
    assert main([*argv, "--max-pixels", "599"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has 600 pixels (30x20), more than max_pixels=599" in err
    assert main([*argv, "--max-pixels", "0"]) == 2
    assert capsys.readouterr().err == (
        "convolab eval: error: --max-pixels must be an int >= 1, got 0\n"
    )
