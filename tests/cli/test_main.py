"""The command-line entry points: --version, --help, python -m convolab, error handling."""

from __future__ import annotations

import subprocess
import sys

import pytest

from convolab import __version__
from convolab.cli import COMMANDS, main


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
    [["shape", "224"], ["shape", "abc", "-k", "3"], ["animate", "foo"], ["nosuchcommand"]],
)
def test_usage_errors_are_one_line_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("convolab")
    assert "error: " in err and "--help' " not in err and err.rstrip().endswith("--help')")
