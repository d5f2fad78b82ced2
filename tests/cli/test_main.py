"""The command-line entry points: --version, --help, python -m convolab, errors, exit codes."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time

import pytest

from convolab import InputError, InvalidTypeError, InvalidValueError, __version__
from convolab.cli import COMMANDS, CLIError, main


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"convolab {__version__}"


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"    {name} " in out or f"    {name}\n" in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: convolab" in capsys.readouterr().out


def test_python_dash_m_runs_the_same_cli():
    result = subprocess.run(
        [sys.executable, "-m", "convolab", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"convolab {__version__}"


def test_user_error_is_one_line_exit_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "convolab", "shape", "3", "--kernel", "5"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("convolab shape: error: kernel_size must be")


def test_debug_shows_the_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "convolab", "--debug", "shape", "3", "--kernel", "5"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["shape", "224", "-k"], ["shape", "abc", "-k", "3"], ["animate", "foo"], ["nosuchcommand"]],
)
def test_usage_errors_are_one_line_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("convolab")
    assert "error: " in err and "--help' " not in err and err.rstrip().endswith("--help')")


def _command_raising(monkeypatch, exc: BaseException) -> None:
    """`convolab models` made to raise ``exc`` (the parser reads ``run`` when it is built)."""

    def run(args):
        raise exc

    monkeypatch.setattr("convolab.cli.models.run", run)


@pytest.mark.parametrize(
    "exc",
    [
        TypeError("unsupported operand type(s) for +: 'int' and 'str'"),
        ValueError("too many values to unpack"),
        IndexError("list index out of range"),
        OSError(errno.EIO, "Input/output error"),
        RuntimeError("boom"),
    ],
)
def test_a_bug_is_a_crash_with_traceback_not_a_user_error(monkeypatch, capsys, exc):
    _command_raising(monkeypatch, exc)
    code = main(["models"])
    err = capsys.readouterr().err
    assert code not in (0, 2) and code == 1
    assert "Traceback (most recent call last)" in err and str(exc) in err
    assert err.rstrip().splitlines()[-1].startswith("convolab models: internal error: ")
    assert "bug in convolab" in err and "report it" in err


@pytest.mark.parametrize(
    "exc",
    [
        InvalidValueError("stride must be an int >= 1, got 0"),
        InvalidTypeError("stride must be an int >= 1, got '2' of type str"),
        CLIError("output 'x.png' already exists; pass --force to overwrite it"),
        FileNotFoundError(errno.ENOENT, "No such file or directory", "nope.png"),
        PermissionError(errno.EACCES, "Permission denied", "/root/x.png"),
        IsADirectoryError(errno.EISDIR, "Is a directory", "photos"),
        FileNotFoundError("run directory 'runs/x' does not exist"),
        OSError(errno.ENOSPC, "No space left on device", "out.gif"),
    ],
)
def test_input_errors_are_one_line_exit_2(monkeypatch, capsys, exc):
    _command_raising(monkeypatch, exc)
    assert main(["models"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("convolab models: error: ")
    assert isinstance(CLIError("x"), InputError)


def test_debug_shows_the_traceback_of_an_input_error(monkeypatch, capsys):
    _command_raising(monkeypatch, InvalidValueError("k must be an int >= 1, got 0"))
    assert main(["--debug", "models"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.endswith("error: k must be an int >= 1, got 0\n")


def test_ctrl_c_in_a_command_is_one_line_exit_130(monkeypatch, capsys):
    _command_raising(monkeypatch, KeyboardInterrupt())
    assert main(["models"]) == 130
    assert capsys.readouterr().err == "convolab: interrupted\n"


def test_sigint_stops_an_animation_leaving_no_file(tmp_path):
    out = tmp_path / "long.gif"
    argv = ["animate", "signal", "--frames", "3000", "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "convolab", *argv], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the temporary file exists: frames are being written
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == "convolab: interrupted\n"
    assert list(tmp_path.iterdir()) == []  # neither the GIF nor its temporary file


def test_a_closed_pipe_exits_quietly():
    # the reader is gone before convolab writes: `convolab filter --list | head -0`
    proc = subprocess.Popen(
        [sys.executable, "-m", "convolab", "filter", "--list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert err == b""
    assert proc.returncode == 141  # 128 + SIGPIPE, as `yes | head -1` reports


def test_head_of_a_long_output_exits_quietly(tmp_path):
    script = f"{sys.executable} -m convolab filter --list | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True
    )
    assert result.stderr == "" and result.stdout.count("\n") == 1
    assert result.returncode in (0, 141)
