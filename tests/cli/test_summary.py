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
