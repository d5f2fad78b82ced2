"""``convolab animate``: files written, and every bad input as one line with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PIL import Image

from convolab import viz
from convolab.cli import main


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("convolab animate: error: ")
    return err


def test_signal_writes_a_gif(tmp_path, capsys):
    out = tmp_path / "box.gif"
    assert (
        main(
            [
                "animate",
                "signal",
                "--f",
                "exponential",
                "--g",
                "box",
                "--frames",
                "60",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "wrote" in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.n_frames == 60


def test_signal_gaussian_sigma(tmp_path, capsys):
    def first_t(sigma: str) -> float:
        argv = ["animate", "signal", "--f", "gaussian", "--g", "box", "--sigma", sigma]
        assert main([*argv, "--frames", "12", "-o", str(tmp_path / f"{sigma}.gif")]) == 0
        return float(capsys.readouterr().out.split("t from ")[1].split()[0])

    assert first_t("0.3") > first_t("1") / 2  # the drawn t range shrinks with sigma
    argv = ["animate", "signal", "--f", "gaussian", "--sigma", "-1", "-o", str(tmp_path / "x.gif")]
    assert main(argv) == 2
    assert "sigma must be a number from 0.001 to 1000, got -1.0" in _error(capsys)


def test_conv2d_issue_example(tmp_path, capsys):
    out = tmp_path / "conv.gif"
    argv = [
        "animate",
        "conv2d",
        "--input",
        "9x14",
        "--kernel",
        "5x5",
        "--stride",
        "2,1",
        "--dilation",
        "1,2",
        "--padding",
        "0",
        "--values",
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    assert "18 frames, output 3x6" in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.n_frames == 18


def test_conv2d_transposed(tmp_path, capsys):
    out = tmp_path / "t.gif"
    assert (
        main(
            [
                "animate",
                "conv2d",
                "--input",
                "2x3",
                "--kernel",
                "3",
                "--stride",
                "2",
                "--transposed",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "6 frames, output 5x7" in capsys.readouterr().out


def test_channels_png(tmp_path, capsys):
    out = tmp_path / "c.png"
    assert (
        main(
            [
                "animate",
                "channels",
                "--input",
                "8x8",
                "--channels",
                "3",
                "--kernels",
                "4",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "output 6x6x4" in capsys.readouterr().out
    with Image.open(out) as png:
        assert png.format == "PNG"


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (
            ["signal", "--f", "bx"],
            "--f must be one of 'box', 'triangle', 'gaussian', 'exponential', "
            "'sawtooth', 'ramp', got 'bx' (did you mean 'box'?)",
        ),
        (["signal", "--g", "expo"], "--g must be one of"),
        (
            ["conv2d", "--input", "40x9"],
            "--input must be at most 32x32 cells for a readable animation, got '40x9'",
        ),
        (
            ["conv2d", "--input", "9x14", "--kernel", "11"],
            "kernel_size must be a kernel whose "
            "dilated span d*(k-1)+1 = 11 fits in the padded input 9 + 0 + 0 = 9",
        ),
        (
            ["conv2d", "--input", "5x5", "--kernel", "3", "--dilation", "3"],
            "fits in the padded input",
        ),
        (["conv2d", "--stride", "0"], "--stride must be an int >= 1"),
        (["conv2d", "--stride", "2,0"], "--stride must be an int >= 1"),
        (["conv2d", "--dilation", "0"], "--dilation must be an int >= 1"),
        (["conv2d", "--input", "9x9x9"], "--input must be an int >= 1 or a tuple of 2 such ints"),
        (["channels", "--kernels", "40"], "--kernels must be an int from 1 to 16, got 40"),
        (["channels", "--channels", "0"], "--channels must be an int >= 1, got 0"),
        (["channels", "--kernel", "20"], "--kernel 20 does not fit --input 8x8 with --padding 0"),
        (["signal", "--sigma", "-1"], "--sigma must be a number from 0.001 to 1000, got -1.0"),
        (["signal", "--sigma", "nan"], "--sigma must be a number from 0.001 to 1000, got nan"),
        (["signal", "--sigma", "1e308"], "--sigma must be a number from 0.001 to 1000, got 1e+308"),
        (["conv2d", "--seed", "-1", "--values"], "--seed must be an int >= 0, got -1"),
        (["signal", "--fps", "0"], "--fps must be an int >= 1, got 0"),
        (
            ["signal", "--fps", "1000"],
            "--fps must be at most 50 for a GIF (2 centiseconds per frame), got 1000",
        ),
        (["conv2d", "--fps", "51"], "--fps must be at most 50 for a GIF"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, match, tmp_path, capsys):
    out = tmp_path / ("x.png" if argv[0] == "channels" else "x.gif")
    assert main(["animate", *argv, "-o", str(out)]) == 2
    assert match in _error(capsys)
    assert not out.exists()


def test_output_paths(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "x.gif"
    assert main(["animate", "signal", "-o", str(missing)]) == 2
    assert "does not exist" in _error(capsys)
    existing = tmp_path / "keep.gif"
    existing.write_bytes(b"mine")
    assert main(["animate", "signal", "-o", str(existing)]) == 2
    assert "already exists; pass --force" in _error(capsys)
    assert existing.read_bytes() == b"mine"
    assert main(["animate", "signal", "-o", str(tmp_path / "x.avi")]) == 2
    assert "--output must end in .gif or .mp4" in _error(capsys)
    assert main(["animate", "channels", "-o", str(tmp_path / "x.gif")]) == 2
    assert "--output must end in .png" in _error(capsys)


def test_unwritable_directory(tmp_path, capsys):
    if os.geteuid() == 0:  # root writes anywhere on disk; /proc refuses new files even to root
        target = "/proc/convolab-test.png"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = str(locked / "x.png")
    assert main(["animate", "channels", "-o", target]) == 2
    assert target in _error(capsys)


@pytest.mark.skipif(__import__("shutil").which("ffmpeg") is not None, reason="ffmpeg present")
def test_mp4_without_ffmpeg_is_refused_before_work(tmp_path, capsys):
    assert main(["animate", "signal", "-o", str(tmp_path / "x.mp4")]) == 2
    assert "needs ffmpeg on PATH" in _error(capsys)


def test_python_dash_m_bad_input():
    result = subprocess.run(
        [sys.executable, "-m", "convolab", "animate", "signal", "--f", "sqare", "-o", "never.gif"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "convolab animate: error: --f must be one of 'box', 'triangle', 'gaussian', "
        "'exponential', 'sawtooth', 'ramp', got 'sqare'"
    ]


@pytest.mark.parametrize(
    ("padding", "kernel", "summary"),
    [("same", "4", "42 frames, output 6x7"), ("valid", "3", "20 frames, output 4x5")],
)
def test_conv2d_padding_same_and_valid_as_shape_accepts(tmp_path, capsys, padding, kernel, summary):
    out = tmp_path / f"{padding}.gif"
    argv = ["animate", "conv2d", "--input", "6x7", "--kernel", kernel, "--padding", padding]
    assert main([*argv, "--values", "-o", str(out)]) == 0
    assert summary in capsys.readouterr().out
    want = viz.animate_conv2d((6, 7), int(kernel), padding=padding, values=True)
    assert want.info["output_size"] == tuple(int(v) for v in summary.split()[-1].split("x"))
    assert main(["shape", "6x7", "-k", kernel, "-p", padding]) == 0  # what shape says
    assert "x".join(map(str, want.info["output_size"])) in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.n_frames == len(want)


def test_channels_padding_same(tmp_path, capsys):
    out = tmp_path / "c.png"
    assert main(["animate", "channels", "--input", "7x9", "--padding", "same", "-o", str(out)]) == 0
    assert "output 7x9x4" in capsys.readouterr().out


def test_transposed_refuses_string_padding(tmp_path, capsys):
    argv = ["animate", "conv2d", "--transposed", "--padding", "same", "-o", str(tmp_path / "t.gif")]
    assert main(argv) == 2
    assert "--padding must be ints with --transposed (padding crops its output), got 'same'" in (
        _error(capsys)
    )
    assert list(tmp_path.iterdir()) == []
