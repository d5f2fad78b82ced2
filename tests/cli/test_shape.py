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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["224", "-k", "3", "-p", "2,2,2"],
            "--padding has 3 values (2,2,2) but the size 224 has 1",
        ),
        (["224x224", "-k", "3x3x3"], "--kernel has 3 values (3,3,3) but the size 224x224 has 2"),
        (["224", "-k", "3", "-s", "2,2"], "--stride has 2 values"),
        (["224", "-k", "3", "-d", "1,1"], "--dilation has 2 values"),
        (
            ["9", "-k", "3", "-s", "2", "--transposed", "--output-padding", "1,1"],
            "--output-padding has 2 values",
        ),
    ],
)
def test_per_dimension_values_must_match_the_size(capsys, argv, message):
    """Issue 14: a padding of 3 values no longer silently answers for a 3-D input."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_receptive_field_of_alexnet_features(capsys):
    layers = ["11/4/2", "3/2", "5/1/2", "3/2", "3/1/1", "3/1/1", "3/1/1", "3/2"]
    code, out, _ = run(capsys, "224", "--receptive-field", *layers)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "layer", "kernel", "stride", "padding", "dilation", "output", "RF", "jump", "start"
    ]  # fmt: skip
    assert lines[1].split() == ["1", "11", "4", "2", "1", "55", "11", "4", "-2"]
    assert lines[8].split() == ["8", "3", "2", "0", "1", "6", "195", "32", "-66"]
    assert lines[-1].startswith("receptive field: 195 input cells, jump 32")


def test_receptive_field_rows_equal_the_shape_module(capsys):
    """Each row against convolab.shape.receptive_field, per dimension, without a size."""
    from convolab import shape

    code, out, _ = run(capsys, "-r", "3", "3/2/1", "3x1/1/1,0/2")
    assert code == 0
    expected = shape.receptive_field([(3, 1, 0, 1), (3, 2, 1, 1), ((3, 1), 1, (1, 0), 2)])
    rows = [line.split() for line in out.splitlines()[1:4]]
    for row, f in zip(rows[:2], expected[:2]):  # square fields print one number
        assert len({f.size[0], f.size[1]}) == len({f.start[0], f.start[1]}) == 1
        assert row[5:] == [str(f.size[0]), str(f.jump[0]), str(f.start[0])]
    assert rows[2][5:] == ["13x5", "2", "-3,-1"] and expected[2].size == (13, 5)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["8", "-r", "5/1", "5/1"], "layer 2 does not fit its input 4"),
        (["224x224", "-r", "3/2/1,1,1"], "layer 1's padding has 3 values (1,1,1)"),
        (["224", "-k", "3", "-r", "3"], "give either --kernel"),
        # one layer's options would be silently ignored beside a stack: refused instead
        (["224", "-r", "3", "-p", "2"], "not --padding with --receptive-field"),
        (["224", "-r", "3", "-p", "0"], "not --padding with --receptive-field"),
        (["224", "-r", "3", "-s", "2", "-d", "2"], "not --stride, --dilation with"),
        (["224", "-r", "3", "--pool", "--ceil-mode"], "not --pool, --ceil-mode with"),
        (["224", "-r", "3", "--transposed"], "not --transposed with --receptive-field"),
        (["224", "-r", "3", "--output-padding", "1"], "not --output-padding with"),
        (["224"], "give the input size and --kernel"),
    ],
)
def test_receptive_field_errors_are_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_a_malformed_layer_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["shape", "8", "-r", "5/1/2/3/4"])
    assert exc.value.code == 2
    assert "a layer is KERNEL[/STRIDE[/PADDING[/DILATION]]]" in capsys.readouterr().err


def test_causal_padding_prints_its_pair(capsys):
    assert main(["shape", "100", "-k", "3", "-s", "2", "-d", "4", "-p", "causal"]) == 0
    out = capsys.readouterr().out
    assert "output size: 50" in out
    assert "causal padding (before, after): (8, 0)" in out


def test_causal_padding_is_for_convolutions(capsys):
    assert main(["shape", "8", "-k", "3", "-p", "causal", "--pool"]) == 2
    assert "--padding causal applies only to a convolution" in capsys.readouterr().err
