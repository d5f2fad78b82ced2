"""The ``convolab`` command line: one sub-command per module of this package.

Each sub-command lives in ``convolab/cli/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` to a function ``run(args) -> int | None``. Heavy
imports (torch, matplotlib) happen inside ``run`` so that ``convolab --help`` stays instant.

Exit codes:

- 0: done;
- 2: a user error (bad arguments, a missing or unreadable file: an :class:`~convolab.InputError`
  or an OSError about the user's file), as one line on stderr; ``--debug`` adds the traceback;
- 1: anything else is a bug of convolab: its traceback and a line asking for a bug report;
- 130: interrupted (Ctrl-C); files being written are removed, never left half-written;
- 141 (128 + SIGPIPE): stdout was closed early (``convolab ... | head -1``), silently,
  as Unix tools do.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import traceback

from convolab import __version__
from convolab.cli._common import CLIError, format_error, is_user_error

__all__ = ["COMMANDS", "CLIError", "build_parser", "main"]

# Sub-command modules, in the order ``--help`` lists them.
COMMANDS = (
    "shape",
    "animate",
    "filter",
    "visualize",
    "models",
    "summary",
    "train",
    "eval",
    "predict",
    "inspect",
    "explain",
    "demo",
)
EXIT_USER_ERROR = 2
EXIT_BUG = 1
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports a Ctrl-C
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141, as `yes | head -1` reports it
BUG_REPORT = (
    "this is a bug in convolab, not a problem with your input; please report it as an "
    "issue with the command line and the traceback above"
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other error."""

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class _CommandParser(_Parser):
    """A command's parser: options may stand between positionals, as in
    ``convolab predict RUN --model lenet5 a.png`` (argparse's intermixed parsing, which a
    parser of sub-commands, such as ``animate``'s, cannot use)."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixing or self._subparsers is not None:  # intermixed's own passes
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="convolab",
        description="Convolution made real: from the integral definition to trained CNNs.",
    )
    parser.add_argument("--version", action="version", version=f"convolab {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when a command fails"
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_CommandParser
    )
    for name in COMMANDS:
        importlib.import_module(f"convolab.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``convolab`` script and of ``python -m convolab``."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USER_ERROR
        code = _run(args)
        sys.stdout.flush()  # a reader that went away shows up here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("convolab: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _run(args: argparse.Namespace) -> int:
    """Run the sub-command: a user error is one line (exit 2), any other error a bug (exit 1)."""
    prefix = f"convolab {args.command}"
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        if not is_user_error(exc):
            traceback.print_exc()
            print(f"{prefix}: internal error: {BUG_REPORT}", file=sys.stderr)
            return EXIT_BUG
        if args.debug:
            traceback.print_exc()
        print(f"{prefix}: error: {format_error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not fail again.

    The recipe of the Python documentation (signal module, "Note on SIGPIPE").
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured by a test)
        pass
    finally:
        os.close(devnull)
