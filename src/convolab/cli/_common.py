"""Helpers shared by the sub-commands: user errors, argument parsers, safe output paths."""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path

from convolab._args import InputError

# errno values that say something about a file the user named, not about convolab.
USER_FILE_ERRNOS = frozenset(
    {
        errno.ENOENT,
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EEXIST,
        errno.ENOSPC,
        errno.EROFS,
        errno.ENAMETOOLONG,
        errno.ELOOP,
        errno.EDQUOT,
        errno.EFBIG,
    }
)
# OSError subclasses that are about a user's path even when built with a message only.
USER_FILE_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
)


class CLIError(InputError):
    """A user error of the command line, reported as one line on stderr with exit code 2."""


def is_user_error(exc: BaseException) -> bool:
    """True for an error the user's input causes, False for a bug of convolab.

    User errors are :class:`~convolab.InputError` (every check of the library, and
    :class:`CLIError`) and OSErrors about a file the user named: missing, no permission, a
    directory where a file was expected, a full disk...
    """
    if isinstance(exc, InputError):
        return True
    if isinstance(exc, BrokenPipeError) or not isinstance(exc, OSError):
        return False
    return isinstance(exc, USER_FILE_ERRORS) or exc.errno in USER_FILE_ERRNOS


def format_error(exc: BaseException) -> str:
    """One line for a user: the message of ``exc`` with newlines folded."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        text = f"{exc.strerror}: {exc.filename}"
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def int_tuple(text: str) -> tuple[int, ...]:
    """Parse ``"224"``, ``"224x224"`` or ``"2,1"`` into a tuple of ints (argparse ``type``)."""
    parts = text.replace("x", ",").replace("X", ",").split(",")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an int or ints joined by 'x' or ',', got {text!r}"
        ) from None
    return values


def padding_spec(text: str) -> str | tuple[int, ...]:
    """A padding string of :mod:`convolab.shape` ('valid', 'same', 'causal') or
    :func:`int_tuple` (argparse ``type`` of ``--padding``)."""
    from convolab.shape import PADDING_STRINGS

    if text in PADDING_STRINGS:
        return text
    return int_tuple(text)


def scalar_or_tuple(values: tuple[int, ...]):
    """An int for a one-element tuple (so 1-D results print as ints), else the tuple."""
    return values[0] if len(values) == 1 else values


def check_output_path(path: str | os.PathLike, force: bool = False) -> Path:
    """Validate an output file path before any work is done.

    Refuses an existing file unless ``force``, a missing parent directory and a directory
    that cannot be written: the user's files are never overwritten by surprise.
    """
    out = Path(path)
    if out.is_dir():
        raise CLIError(f"output {str(out)!r} is a directory; give a file name")
    if out.exists() and not force:
        raise CLIError(f"output {str(out)!r} already exists; pass --force to overwrite it")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise CLIError(f"directory {str(parent)!r} of output {str(out)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise CLIError(f"directory {str(parent)!r} of output {str(out)!r} is not writable")
    return out


def add_device(parser: argparse.ArgumentParser) -> None:
    """The ``--device`` option of every command that runs a trained model."""
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="auto",
        help="where the model runs (default auto: cuda, then mps, then cpu)",
    )


def add_max_pixels(parser: argparse.ArgumentParser, what: str = "input images") -> None:
    """The ``--max-pixels`` option of every command that reads images."""
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=None,
        help=f"refuse {what} with more pixels, checked from the file's header before "
        "decoding (default 178956970, where Pillow itself refuses: ~179 Mpx)",
    )


def max_pixels(value: int | None) -> int:
    """``--max-pixels`` checked (an int >= 1), or convolab.image's default when not given."""
    from convolab._args import as_int
    from convolab.image import DEFAULT_MAX_PIXELS

    return DEFAULT_MAX_PIXELS if value is None else as_int(value, "--max-pixels", minimum=1)


def model_name(text: str) -> str:
    """argparse ``type`` of ``--model``: a registered name, else an error naming the listing."""
    import difflib

    from convolab.models import list_models

    names = list_models()
    if text in names:
        return text
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise argparse.ArgumentTypeError(
        f"unknown model {text!r}: {hint}`convolab models` lists the registered models"
    )


def add_polarity(parser: argparse.ArgumentParser) -> None:
    """``--invert`` / ``--no-invert`` (``args.invert``: True, False or None for automatic)."""
    polarity = parser.add_mutually_exclusive_group()
    polarity.add_argument(
        "--invert",
        dest="invert",
        action="store_true",
        default=None,
        help="invert the image(s) (255 - v) before the model sees them",
    )
    polarity.add_argument(
        "--no-invert",
        dest="invert",
        action="store_false",
        help="never invert (default: a light-background image is inverted for a model of "
        "digits, MNIST or Fashion-MNIST, which are light on dark)",
    )
