"""``convolab summary`` and ``convolab models``."""

import pytest

from convolab.cli import main
from convolab.cli.summary import input_shape


def test_summary_defaults_to_the_model_input(capsys):
    assert main(["summary", "resnet18", "--depth", "1"]) == 0
    out = capsys.readouterr().out
    assert "Input: 1x3x224x224 (resnet18)" in out
    assert "Total params: 11,689,512" in out
    assert "Total MACs: 1,814,073,344 (1.814 G)" in out
    assert "layer1.0" not in out and "layer1 (Sequential)" in out


def test_summary_input_and_sizes(capsys):
    assert (
        main(
            [
                "summary",
                "lenet5",
                "--input",
                "2x3x32x32",
                "--in-channels",
                "3",
                "--num-classes",
                "5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Input: 2x3x32x32" in out and "2x5" in out


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, (1, 3, 224, 224)),
        ((64, 64), (1, 3, 64, 64)),
        ((1, 64, 64), (1, 1, 64, 64)),
        ((4, 3, 8, 8), (4, 3, 8, 8)),
    ],
)
def test_input_shape_completion(given, expected):
    assert input_shape(given, 3, (224, 224)) == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summary", "resnet19"], "close matches: resnet18"),
        (["summary", "alexnet", "--input", "32x32"], "at least 63x63 for AlexNet"),
        (["summary", "lenet5", "--input", "1x2x3x4x5"], "--input must be NxCxHxW"),
        (["summary", "lenet5", "--depth", "0"], "depth must be an int >= 1"),
        (["summary", "resnet18", "--input", "1x3x8x8"], "more than 1 value per channel"),
        (["summary", "lenet5", "--in-channels", "0"], "--in-channels must be an int >= 1, got 0"),
        (["models", "nothing*"], "no registered model matches 'nothing*'"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_models_listing(capsys):
    assert main(["models", "resnet*"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["model", "params"]
    assert [line.split()[0] for line in lines[1:]] == [
        "resnet18",
        "resnet34",
        "resnet50",
        "resnet101",
        "resnet152",
    ]
    assert "60,192,808" in lines[-1] and "3x224x224" in lines[-1]


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["lenet5", "--input", "1x3x32x32"], "Input: 1x3x32x32"),
        (["resnet18", "--input", "1x1x64x64"], "Input: 1x1x64x64"),
        (["lenet5", "--input", "3x32x32"], "Input: 1x3x32x32"),
    ],
)
def test_summary_takes_in_channels_from_input(capsys, argv, shown):
    assert main(["summary", *argv]) == 0
    assert shown in capsys.readouterr().out


def test_summary_refuses_disagreeing_channels(capsys):
    argv = ["summary", "resnet18", "--input", "1x4x64x64", "--in-channels", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--input has 4 channels but --in-channels is 3" in err
    assert len(err.strip().splitlines()) == 1


def test_summary_mac_units(capsys):
    assert main(["summary", "lenet5"]) == 0
    assert "Total MACs: 416,520 (416.520 K)" in capsys.readouterr().out


def _run_dir(tmp_path, classes=("a", "b", "c")):
    """A run directory as training leaves it: model.safetensors with its card."""
    from convolab.data import Preprocess
    from convolab.models import create_model
    from convolab.train import ModelCard
    from convolab.train._checkpoint import save_weights

    card = ModelCard("lenet5", classes, Preprocess((32, 32), 1, (0.5,), (0.5,), "pad"))
    save_weights(tmp_path / "model.safetensors", create_model("lenet5", num_classes=3), card)
    return tmp_path


def test_summary_of_a_run_directory(tmp_path, capsys):
    run = _run_dir(tmp_path)
    assert main(["summary", str(run), "--batch-size", "4", "--optimizer", "sgd"]) == 0
    out = capsys.readouterr().out
    assert "Input: 4x1x32x32 (lenet5 from" in out and "4x3" in out
    assert "Training step (sgd, batch 4)" in out


def test_summary_of_a_torchvision_format_weights_file(tmp_path, capsys):
    import torch

    from convolab.models import create_model

    path = tmp_path / "lenet.pth"
    torch.save(create_model("lenet5").state_dict(), path)
    assert main(["summary", str(path), "--model", "lenet5", "--depth", "1"]) == 0
    assert "Total params: 61,706" in capsys.readouterr().out


def test_summary_json(capsys):
    import json

    assert main(["summary", "resnet18", "--json", "--input", "2x3x64x64"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input_size"] == [2, 3, 64, 64] and data["total_params"] == 11_689_512
    conv1 = data["rows"][0]
    assert conv1["name"] == "conv1" and conv1["kernel"] == [7, 7] and conv1["stride"] == [2, 2]
    assert conv1["receptive_field"] == [7, 7] and conv1["start"] == [-3, -3]
    assert data["training"]["optimizer"] == "adamw" and data["training"]["peak"] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summary", "resnet19"], "`convolab models` lists the names"),
        (["summary", "lenet5", "--input", "2x1x32x32", "--batch-size", "3"], "--batch-size is 3"),
        (["summary", "lenet5", "--model", "lenet5"], "--model names the model of a weights file"),
        (["summary", "lenet5", "--optimizer", "lion"], "invalid choice: 'lion'"),
        (["summary", "no/such/run"], "does not exist"),
    ],
)
def test_more_errors_are_one_line(capsys, argv, message):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_weights_that_do_not_fit_are_one_line(tmp_path, capsys):
    import torch

    from convolab.models import create_model

    path = tmp_path / "resnet.pth"
    torch.save(create_model("resnet18", num_classes=3).state_dict(), path)
    assert main(["summary", str(path), "--model", "lenet5"]) == 2
    err = capsys.readouterr().err
    assert "weights" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "run").mkdir()
    run = _run_dir(tmp_path / "run")
    assert main(["summary", str(run), "--in-channels", "3"]) == 2
    assert "apply to a model name" in capsys.readouterr().err


def test_optimizer_choices_are_those_the_estimate_knows():
    """The CLI keeps its own copy (no torch import to build the parser): the same names."""
    from convolab.cli.summary import OPTIMIZERS
    from convolab.models._memory import OPTIMIZERS as ESTIMATED

    assert tuple(ESTIMATED) == OPTIMIZERS
