"""``convolab predict``: a drawn digit classified right, polarity, batches, JSON, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from _image_files import png_header
from convolab.cli import main
from convolab.cli.predict import EXAMPLE, EXAMPLE_INDEX, EXAMPLE_LABEL


def _predict(capsys, *argv):
    try:
        code = main(["predict", *argv])
    except SystemExit as exc:  # a usage error, from argparse
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_example_is_a_real_mnist_digit_drawn_black_on_white(mnist):
    _, images, labels = mnist
    assert labels[EXAMPLE_INDEX] == EXAMPLE_LABEL
    drawn = Image.fromarray(255 - images[EXAMPLE_INDEX]).resize((112, 112), Image.LANCZOS)
    with Image.open(EXAMPLE) as example:
        assert example.mode == "L"
        np.testing.assert_array_equal(np.asarray(example), np.asarray(drawn))
    assert "#30" in (EXAMPLE.parent / "README.md").read_text()


def test_the_drawn_example_is_inverted_and_classified_right(mnist_run, capsys, tmp_path):
    example = tmp_path / "digit.png"
    assert _predict(capsys, "--example", str(example))[0] == 0
    code, out, err = _predict(capsys, str(mnist_run), str(example))
    assert code == 0
    assert err == (
        f"convolab predict: {example}: light background inverted to light-on-dark, as mnist "
        "images are (--no-invert keeps it)\n"
    )
    assert out.startswith(f"{example}: {EXAMPLE_LABEL} ")
    assert float(out.split()[2].rstrip(",")) > 0.5
    code, out, err = _predict(capsys, str(mnist_run), str(example), "--no-invert", "--json")
    assert code == 0 and err == ""
    [row] = json.loads(out)
    assert row["inverted"] is False and len(row["top"]) == 3
    plain = row["top"][0]
    # options may stand between the weights and the images
    code, out, _ = _predict(capsys, str(mnist_run), "--json", "-k", "10", str(example))
    inverted = json.loads(out)[0]
    assert inverted["inverted"] is True and inverted["top"][0]["class"] == str(EXAMPLE_LABEL)
    # black on white reads as something else, or as a much less confident 3
    assert plain["class"] != "3" or plain["probability"] < inverted["top"][0]["probability"]


def test_a_dark_background_digit_is_left_alone_unless_asked(mnist_run, mnist, capsys, tmp_path):
    _, images, _ = mnist
    path = tmp_path / "white_on_black.png"
    Image.fromarray(images[EXAMPLE_INDEX]).save(path)
    code, out, err = _predict(capsys, str(mnist_run), str(path), "--json")
    assert code == 0 and err == "" and json.loads(out)[0]["inverted"] is False
    code, out, err = _predict(capsys, str(mnist_run), str(path), "--json", "--invert")
    assert code == 0 and err == "" and json.loads(out)[0]["inverted"] is True


def test_batches_give_the_same_answers(digits_run, capsys, tmp_path):
    rng = np.random.default_rng(3)
    paths = []
    for k in range(5):  # sizes differ: each image is resized on its own, then batched
        paths.append(tmp_path / f"{k}.png")
        Image.fromarray(rng.integers(0, 256, (20 + k, 17), dtype=np.uint8)).save(paths[-1])
    answers = []
    for size in ("1", "2", "64"):
        code, out, _ = _predict(
            capsys,
            str(digits_run),
            *map(str, paths),
            "--json",
            "--batch-size",
            size,
            "--device",
            "cpu",
            "-k",
            "10",
        )
        assert code == 0
        answers.append({r["image"]: r["top"] for r in json.loads(out)})
    for answer in answers[1:]:
        for path, top in answer.items():
            assert [t["class"] for t in top] == [t["class"] for t in answers[0][path]]
            np.testing.assert_allclose(
                [t["probability"] for t in top],
                [t["probability"] for t in answers[0][path]],
                rtol=1e-5,
                atol=1e-7,
            )


def test_a_digits_model_inverts_a_light_background(digits_run, capsys, tmp_path):
    path = tmp_path / "drawn.png"
    pixels = np.full((40, 40, 4), 255, np.uint8)  # RGBA, a transparent canvas...
    pixels[..., 3] = 0
    pixels[8:32, 18:22] = (0, 0, 0, 255)  # ...with a black stroke
    Image.fromarray(pixels).save(path)
    code, _, err = _predict(capsys, str(digits_run), str(path))
    assert code == 0 and "light background inverted" in err and "as digits images are" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--top-k", "0"], "--top-k must be an int >= 1, got 0"),
        (["--batch-size", "0"], "--batch-size must be an int >= 1, got 0"),
        (["--max-pixels", "0"], "--max-pixels must be an int >= 1, got 0"),
        (["--max-pixels", "100"], "has 400 pixels (20x20), more than max_pixels=100"),
        (["--device", "nope"], "argument --device: invalid choice: 'nope'"),
    ],
)
def test_bad_options_are_one_line(digits_run, capsys, tmp_path, extra, message):
    path = tmp_path / "x.png"
    Image.new("L", (20, 20)).save(path)
    code, out, err = _predict(capsys, str(digits_run), str(path), *extra)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_a_bomb_is_one_line_for_predict_and_inspect(digits_run, capsys, tmp_path):
    bomb = tmp_path / "huge.png"
    png_header(bomb, 50_000, 50_000)
    code, _, err = _predict(capsys, str(digits_run), str(bomb))
    assert code == 2 and err.count("\n") == 1
    assert "2500000000 pixels (50000x50000), more than max_pixels=178956970" in err
    out = tmp_path / "maps"
    assert main(["inspect", str(digits_run), "--image", str(bomb), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2500000000 pixels (50000x50000)" in err
    assert main(["inspect", str(digits_run), "--image", str(bomb), "--max-pixels", "0"]) == 2
    assert "--max-pixels must be an int >= 1, got 0" in capsys.readouterr().err


def test_example_and_usage_errors(capsys, tmp_path):
    target = tmp_path / "digit.png"
    assert _predict(capsys, "--example", str(target))[0] == 0
    code, _, err = _predict(capsys, "--example", str(target))
    assert code == 2 and "already exists; pass --force" in err
    assert _predict(capsys, "--example", str(target), "--force")[0] == 0
    code, _, err = _predict(capsys, "--example", str(tmp_path / "d.jpg"))
    assert code == 2 and "--example must end in .png" in err
    code, _, err = _predict(capsys, "runs/x", "--example", str(tmp_path / "e.png"))
    assert code == 2 and "give no weights or images" in err
    code, _, err = _predict(capsys, "runs/x")
    assert code == 2 and "give a run directory or weights file and image files" in err
    with pytest.raises(SystemExit) as exc:
        main(["predict", "runs/x", "a.png", "--model", "lenet9"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "unknown model 'lenet9': did you mean lenet5" in err and "`convolab models`" in err
    assert "list_models" not in err


@pytest.mark.slow
def test_a_10000_by_10000_image_passes_without_warnings(digits_run, tmp_path):
    path = tmp_path / "large.png"
    Image.new("1", (10_000, 10_000), 1).save(path)
    result = subprocess.run(
        [sys.executable, "-m", "convolab", "predict", str(digits_run), str(path), "--no-invert"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"{path}: ")
