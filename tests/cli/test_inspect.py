"""``convolab inspect``: the test split alone, a drawn digit inverted, the one image reader."""

from __future__ import annotations

from PIL import Image

from convolab.cli import main
from convolab.cli.predict import EXAMPLE


def test_inspect_reads_only_the_test_split(mnist_run, capsys, tmp_path):
    # ../shared holds the MNIST test files alone: inspect needs no training files
    out = tmp_path / "maps"
    assert main(["inspect", str(mnist_run), "--index", "7", "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert (out / "input.png").is_file() and (out / "maps_features_c1.png").is_file()
    assert main(["inspect", str(mnist_run), "--index", "10000", "--out", str(out)]) == 2
    assert "--index must be in [0, 9999], got 10000" in capsys.readouterr().err


def test_inspect_inverts_a_drawn_digit_and_says_so(mnist_run, capsys, tmp_path):
    out = tmp_path / "maps"
    assert main(["inspect", str(mnist_run), "--image", str(EXAMPLE), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "light background inverted to light-on-dark, as mnist images are" in captured.err
    with Image.open(out / "input.png") as picture:
        assert picture.size[0] > 300
    argv = ["inspect", str(mnist_run), "--image", str(EXAMPLE), "--out", str(out), "--force"]
    assert main([*argv, "--no-invert"]) == 0
    assert capsys.readouterr().err == ""
