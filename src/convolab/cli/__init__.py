"""The ``convolab`` command line: one sub-command per module of this package.

Each sub-command lives in ``convolab/cli/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` to a function ``run(args) -> int | None``. Heavy
imports (torch, matplotlib) happen inside ``run`` so that ``convolab --help`` stays instant.

Errors a user can cause (bad arguments, missing files) end as one line on stderr and exit
code 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from convolab import __version__
from convolab.cli._common import CLIError, format_error

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
    "demo",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="convolab",
        description="Convolution made real: from the integral definition to trained CNNs.",
    )
    parser.add_argument("--version", action="version", version=f"convolab {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when a command fails"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"convolab.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``convolab`` script and of ``python -m convolab``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("convolab: interrupted", file=sys.stderr)
        return 130
    except (CLIError, ValueError, TypeError, OSError) as exc:
        if args.debug:
            raise
        print(f"convolab {args.command}: error: {format_error(exc)}", file=sys.stderr)
        return 2
