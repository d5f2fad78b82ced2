"""``convolab shape``: sizes, formulas and errors."""

from __future__ import annotations

import pytest

from convolab.cli import main


def run(capsys, *argv):
    code = main(["shape", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_alexnet_conv1(capsys):
    code, out, _ = run(capsys, "224", "--kernel", "11", "--stride", "4", "--padding", "2")
    assert code == 0
    assert out.splitlines() == [
        "output size: 55",
        "  floor((224 + 2 + 2 - 1*(11-1) - 1) / 4) + 1 = 55",
    ]


def test_same_padding_prints_the_tensorflow_pair(capsys):
    code, out, _ = run(capsys, "224x224", "-k", "7", "-s", "2", "-p", "same")
    assert code == 0
    assert "output size: 112x112" in out
    assert "same padding (before, after): (2, 3), (2, 3)" in out


def test_rectangular_per_dimension_arguments(capsys):
    code, out, _ = run(capsys, "9x14", "-k", "5x5", "-s", "2,1", "-d", "1,2")
    assert code == 0
    assert out.splitlines()[0] == "output size: 3x6"


def test_transposed_and_pool(capsys):
    assert run(
        capsys, "7", "-k", "3", "-s", "2", "-p", "1", "--transposed", "--output-padding", "1"
    )[1].startswith("output size: 14")
    assert run(capsys, "6", "-k", "3", "-s", "2", "--pool", "--ceil-mode")[1].startswith(
        "output size: 3"
    )
    assert run(capsys, "55", "-k", "3", "-s", "2", "--pool")[1].startswith("output size: 27")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["3", "-k", "5"], "kernel_size must be a kernel whose dilated span"),
        (["8", "-k", "3", "-s", "0"], "stride must be an int >= 1"),
        (["8", "-k", "3", "-p", "-1"], "padding must be"),
        (["8", "-k", "3", "--ceil-mode"], "--ceil-mode applies only with --pool"),
        (["8", "-k", "3", "--output-padding", "1"], "--output-padding applies only"),
        (["8", "-k", "3", "--pool", "-p", "same"], "--padding same applies only"),
        (
            ["8", "-k", "3", "-s", "2", "--transposed", "--output-padding", "2"],
            "output_padding must be smaller than max(stride, dilation) = 2",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_unparseable_size_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["shape", "big", "-k", "3"])
    assert exc.value.code == 2
    assert "expected an int or ints joined by 'x' or ','" in capsys.readouterr().err
