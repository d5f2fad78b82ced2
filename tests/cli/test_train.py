"""convolab train / eval / predict / inspect from the command line."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from convolab.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    assert (
        main(
            [
                "train",
                "lenet5",
                "--epochs",
                "2",
                "--device",
                "cpu",
                "--out",
                str(out),
                "--lr",
                "0.004",
                "--no-augment",
            ]
        )
        == 0
    )
    return out


def test_train_writes_its_options(run_dir):
    config = json.loads((run_dir / "config.json").read_text())
    assert (config["epochs"], config["lr"], config["augment"]) == (2, 0.004, False)
    assert len((run_dir / "metrics.jsonl").read_text().splitlines()) == 2


def test_train_prints_epoch_summaries(tmp_path, capsys):
    assert main(["train", "lenet5", "--epochs", "1", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert out.count("epoch   1/1  train loss") == 1 and "test accuracy" in out


def test_resume_a_finished_run_keeps_its_options(run_dir, capsys):
    before = (run_dir / "model.safetensors").read_bytes()
    assert main(["train", "lenet5", "--out", str(run_dir), "--resume"]) == 0
    assert "resuming" in capsys.readouterr().out
    assert (run_dir / "model.safetensors").read_bytes() == before
    assert main(["train", "lenet5", "--out", str(run_dir), "--resume", "--epochs", "3"]) == 2
    assert "epochs differ" in capsys.readouterr().err


def test_eval_prints_accuracy_table_and_matrix(run_dir, tmp_path, capsys):
    png = tmp_path / "c.png"
    assert main(["eval", str(run_dir), "--confusion", str(png)]) == 0
    out = capsys.readouterr().out
    assert "lenet5 on digits (test split, 359 images): accuracy" in out
    assert "precision  recall" in out and "confusion (rows: true class" in out
    assert Image.open(png).size[0] > 300
    assert main(["eval", str(run_dir), "--confusion", str(png)]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_predict_and_inspect(run_dir, tmp_path, capsys):
    image = tmp_path / "digit.png"
    pixels = np.zeros((28, 28), np.uint8)
    pixels[4:24, 12:16] = 255  # a "1"
    Image.fromarray(pixels).save(image)
    assert main(["predict", str(run_dir), str(image), "-k", "2"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{image}: ") and line.count(",") == 1
    assert main(["inspect", str(run_dir), "--out", str(tmp_path / "i")]) == 0
    names = sorted(p.name for p in (tmp_path / "i").iterdir())
    assert names == [
        "filters.png",
        "input.png",
        "maps_features_c1.png",
        "maps_features_c3.png",
        "maps_features_c5.png",
    ]
    assert main(["inspect", str(run_dir), "--out", str(tmp_path / "i")]) == 2
    assert (
        main(
            [
                "inspect",
                str(run_dir),
                "--out",
                str(tmp_path / "i"),
                "--force",
                "--image",
                str(image),
            ]
        )
        == 0
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["train", "lenet5", "--data", "mnist:/nonexistent"],
            "mnist directory '/nonexistent' does not",
        ),
        (["train", "lenet5", "--epochs", "0"], "epochs must be an int >= 1, got 0"),
        (["train", "lenet9"], "model must be a registered model name"),
        (
            ["eval", "/nonexistent.safetensors"],
            "run directory or weights file '/nonexistent.safetensors' does not exist",
        ),
        (
            ["predict", "/nonexistent.pt", "x.png"],
            "run directory or weights file '/nonexistent.pt' does not exist",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_malicious_checkpoint_refused_by_eval(tmp_path, capsys):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    assert main(["eval", str(tmp_path / "evil.pt")]) == 2
    captured = capsys.readouterr()
    assert "refusing to load" in captured.err and "pwned" not in captured.out
    assert captured.err.count("\n") == 1 and "PyTorch" not in captured.err
    assert len(captured.err) < 200


def test_resume_without_a_checkpoint(tmp_path, capsys):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "config.json").write_text('{"epochs": 2}')
    assert main(["train", "lenet5", "--out", str(tmp_path / "r"), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra",
    [
        ["--data", "foo"],
        ["--data", "mnist:/nonexistent"],
        ["--weights", "/nonexistent.pth"],
    ],
)
def test_failed_setup_leaves_no_run_directory(tmp_path, capsys, extra):
    out = tmp_path / "t1"
    assert main(["train", "lenet5", "--out", str(out), *extra]) == 2
    assert main(["train", "lenet6", "--out", str(out)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err.count("\n") == 2


def test_run_killed_in_its_first_epoch_does_not_block_a_rerun(tmp_path, capsys):
    out = tmp_path / "t1"
    out.mkdir()
    (out / "config.json").write_text('{"epochs": 5}')
    (out / "metrics.jsonl").write_text("")
    (out / "notes.txt").write_text("mine")
    assert main(["train", "lenet5", "--epochs", "1", "--out", str(out)]) == 0
    assert (out / "last.pt").is_file() and (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "config.json").read_text())["epochs"] == 1
    assert main(["train", "lenet5", "--epochs", "1", "--out", str(out)]) == 2
    assert "already holds a run (last.pt" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--index", "5000"], "--index must be in [0, 358], got 5000"),
        (["--index", "-1"], "--index must be in [0, 358], got -1"),
        (["--image", "missing.png"], "missing.png"),
        (["--image", "notes.txt"], "cannot read image"),
    ],
)
def test_inspect_bad_input_creates_nothing(run_dir, tmp_path, monkeypatch, capsys, extra, message):
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("not an image")
    assert main(["inspect", str(run_dir), "--out", "d", *extra]) == 2
    assert message in capsys.readouterr().err and not Path("d").exists()


@pytest.mark.parametrize("command", [["train", "lenet5"], ["inspect", "RUN"]])
def test_out_that_is_a_file_is_refused(run_dir, tmp_path, capsys, command):
    gray = tmp_path / "gray.png"
    gray.write_bytes(b"x")
    argv = [str(run_dir) if a == "RUN" else a for a in command]
    assert main([*argv, "--out", str(gray)]) == 2
    assert f"--out {str(gray)!r} is a file; give a directory" in capsys.readouterr().err
    assert gray.read_bytes() == b"x"


@pytest.mark.parametrize(
    "name, message",
    [
        ("cm.txt", "--confusion must end in one of"),
        ("cm", "--confusion must end in one of"),
        ("nodir/cm.png", "directory"),
    ],
)
def test_eval_checks_confusion_path_before_work(run_dir, tmp_path, capsys, name, message):
    assert main(["eval", str(run_dir), "--confusion", str(tmp_path / name)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "accuracy" not in captured.out
    assert not (tmp_path / name).exists()


def test_eval_writes_confusion_as_svg(run_dir, tmp_path):
    assert main(["eval", str(run_dir), "--confusion", str(tmp_path / "cm.svg")]) == 0
    assert (tmp_path / "cm.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize("name", ["notimg.png", "gray.png", "config.json", "weights.bin"])
def test_eval_refuses_a_file_that_is_not_a_checkpoint(run_dir, tmp_path, capsys, name):
    path = tmp_path / name
    if name == "gray.png":
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(path)
    elif name == "config.json":
        path.write_bytes((run_dir / "config.json").read_bytes())
    else:
        path.write_text("elephant")
    assert main(["eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"convolab eval: error: {str(path)!r} is not a checkpoint "
        "(expected a run directory, .safetensors, .pt or .pth)\n"
    )


def test_eval_refuses_a_pt_file_that_is_not_a_checkpoint(tmp_path, capsys):
    (tmp_path / "text.pt").write_text("elephant")
    assert main(["eval", str(tmp_path / "text.pt")]) == 2
    err = capsys.readouterr().err
    assert "is not a checkpoint" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["eval", "predict"])
def test_model_option_that_contradicts_the_checkpoint(run_dir, tmp_path, capsys, command):
    image = tmp_path / "d.png"
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(image)
    images = [str(image)] if command == "predict" else []
    assert main([command, str(run_dir / "best.pt"), *images, "--model", "resnet18"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'lenet5'" in err and "'resnet18'" in err


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("corrupt_random.pt", bytes(range(256)) * 8, "is not a checkpoint: torch.save did not"),
        ("plain.pt", pickle.dumps({"w": 1}, protocol=5), "is not a checkpoint: it is a plain"),
    ],
)
def test_eval_names_a_file_torch_save_did_not_write_in_one_line(
    tmp_path, capsys, name, raw, message
):
    (tmp_path / name).write_bytes(raw)
    assert main(["eval", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "could run code" not in err


def test_eval_the_real_mnist_test_set_alone(run_dir, shared_dir, capsys):
    source = shared_dir / "data" / "mnist-t10k"  # the two t10k files, nothing else
    if not (source / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"{source} does not hold the t10k files")
    assert main(["eval", str(run_dir), "--data", f"mnist:{source}", "--split", "test"]) == 0
    assert "(test split, 10000 images)" in capsys.readouterr().out
    assert main(["eval", str(run_dir), "--data", f"mnist:{source}", "--split", "val"]) == 2
    assert "for training (train and val splits); missing train-images" in capsys.readouterr().err


def _folder(root: Path, counts: dict) -> Path:
    for name, n in counts.items():
        (root / name).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(np.full((8, 8), 12 * i, np.uint8)).save(root / name / f"{i}.png")
    return root


@pytest.mark.parametrize(
    "counts, message",
    [
        ({"cat": 20}, "must hold at least 2 classes (one sub-folder of images per class)"),
        (
            {"cat": 20, "dog": 3},
            "class 'dog' of folder '{root}' has 3 images, too few for the 70/10/20 "
            "train/val/test split: each class needs at least 6",
        ),
    ],
)
def test_train_names_what_is_wrong_with_a_folder(tmp_path, capsys, counts, message):
    root = _folder(tmp_path / "f", counts)
    assert main(["train", "lenet5", "--data", f"folder:{root}", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message.format(root=root) in err and err.count("\n") == 1 and "torch" not in err
    assert not (tmp_path / "r").exists()


def test_every_config_field_is_an_option_with_its_comment_as_help(capsys):
    from dataclasses import fields

    from convolab.train import TrainConfig
    from convolab.train._config import field_comments

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    comments = field_comments(TrainConfig)
    assert comments["freeze_until"].endswith("'head' trains the new head alone")  # 2 lines
    for field in fields(TrainConfig):
        if field.name != "model":
            assert f"--{field.name.replace('_', '-')}" in text, field.name
            assert comments[field.name] and comments[field.name] in text, field.name
    assert "(default 30)" in text and "--no-augment" in text


def test_options_reach_the_config(tmp_path):
    from convolab.cli import build_parser
    from convolab.cli.train import make_config

    argv = ["train", "lenet5", "--optimizer", "sgd", "--label-smoothing", "0.1", "--threads"]
    args = build_parser().parse_args([*argv, "2", "--no-augment", "--out", str(tmp_path)])
    config = make_config(args)
    assert (config.optimizer, config.label_smoothing, config.threads) == ("sgd", 0.1, 2)
    assert config.augment is False and config.out == str(tmp_path)


@pytest.mark.parametrize(
    "saved, message",
    [
        ("{not json", "is not the JSON a run writes"),
        ("[1, 2]", "must hold a JSON object of TrainConfig fields"),
        ('{"augment": "yes"}', "augment must be True or False, got 'yes'"),
    ],
)
def test_resume_with_a_broken_config_json(tmp_path, capsys, saved, message):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "config.json").write_text(saved)
    assert main(["train", "lenet5", "--out", str(tmp_path / "r"), "--resume"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
