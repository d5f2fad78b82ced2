"""Argument normalisation and error messages shared by every public entry point.

Every public function of convolab turns its arguments into plain tuples here, once, so the
code below the boundary only ever sees ``tuple[int, ...]`` and ``tuple[tuple[int, int], ...]``.
Every message has the same shape, ``"<name> must be <expected>, got <value>"``, so users (and
tests, through ``pytest.raises(match=...)``) always find the argument, what it accepts and
what it was given.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

Pairs = tuple[tuple[int, int], ...]


class InputError(Exception):
    """Marks an error caused by the caller's input (a bad argument, file or data set).

    Every check of convolab raises :class:`InvalidValueError` or :class:`InvalidTypeError`,
    which are also plain ``ValueError`` / ``TypeError``; the command line reports exactly these
    as one-line user errors, and any other exception as a bug (with its traceback).
    """


class InvalidValueError(InputError, ValueError):
    """An argument of the right type but a wrong value (a ``ValueError``)."""


class InvalidTypeError(InputError, TypeError):
    """An argument of the wrong type (a ``TypeError``)."""


def invalid(name: str, value: object, expected: str) -> InvalidValueError:
    """The error raised for an argument of the right type but a wrong value."""
    return InvalidValueError(f"{name} must be {expected}, got {value!r}")


def wrong_type(name: str, value: object, expected: str) -> InvalidTypeError:
    """The error raised for an argument of the wrong type."""
    return InvalidTypeError(
        f"{name} must be {expected}, got {value!r} of type {type(value).__name__}"
    )


def is_int(value: object) -> bool:
    """True for Python and NumPy integers, False for bools, floats and everything else."""
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def is_sequence(value: object) -> bool:
    """True for lists, tuples (``torch.Size`` included) and 1-D arrays; False otherwise."""
    return isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim == 1)


def _bound_text(minimum: int) -> str:
    return f"an int >= {minimum}"


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """``value`` as a Python int, checked against ``minimum``."""
    expected = _bound_text(minimum) if minimum is not None else "an int"
    if not is_int(value):
        raise wrong_type(name, value, expected)
    result = operator.index(value)
    if minimum is not None and result < minimum:
        raise invalid(name, value, expected)
    return result


def infer_ndim(*values: object, default: int = 1) -> int:
    """Number of spatial dimensions implied by the first sequence among ``values``.

    One-element sequences broadcast (as in torch, ``stride=(2,)`` is 2 in every dimension),
    so they decide only when no longer sequence is given.
    """
    lengths = [len(v) for v in values if is_sequence(v)]
    return next((n for n in lengths if n != 1), 1 if lengths else default)


def as_tuple(value: object, ndim: int, name: str, *, minimum: int) -> tuple[int, ...]:
    """An int or a sequence of ``ndim`` ints (or of one, broadcast), each >= ``minimum``."""
    if type(value) is int and value >= minimum:  # the common case, without further calls
        return (value,) * ndim
    expected = f"{_bound_text(minimum)} or a tuple of {ndim} such ints"
    if is_int(value):
        if operator.index(value) < minimum:
            raise invalid(name, value, expected)
        return (operator.index(value),) * ndim
    if not is_sequence(value):
        raise wrong_type(name, value, expected)
    items = tuple(value)
    if len(items) == 1:
        items *= ndim
    if len(items) != ndim:
        raise invalid(name, value, expected)
    if not all(is_int(v) for v in items):
        raise wrong_type(name, value, expected)
    if any(operator.index(v) < minimum for v in items):
        raise invalid(name, value, expected)
    return tuple(operator.index(v) for v in items)


def as_padding_pairs(padding: object, ndim: int, name: str = "padding") -> Pairs:
    """Explicit padding as ``((lo, hi),) * ndim``.

    Accepts an int (same on every side), a tuple of ``ndim`` ints (symmetric per dimension)
    or a tuple of ``ndim`` ``(lo, hi)`` pairs (per side); a one-element tuple broadcasts.
    Strings are the caller's business.
    """
    if type(padding) is int and padding >= 0:  # the common case, without further calls
        return ((padding, padding),) * ndim
    expected = (
        f"an int >= 0, a tuple of {ndim} ints >= 0, or a tuple of {ndim} (before, after) pairs"
        " of ints >= 0"
    )
    if is_int(padding):
        p = operator.index(padding)
        if p < 0:
            raise invalid(name, padding, expected)
        return ((p, p),) * ndim
    if is_sequence(padding) and len(padding) == 1:
        padding = tuple(padding) * ndim
    if not is_sequence(padding) or len(padding) != ndim:
        if is_sequence(padding) or isinstance(padding, str):
            raise invalid(name, padding, expected)
        raise wrong_type(name, padding, expected)
    pairs = []
    for item in padding:
        if is_int(item):
            pairs.append((operator.index(item),) * 2)
        elif is_sequence(item) and len(item) == 2 and all(is_int(v) for v in item):
            pairs.append(tuple(operator.index(v) for v in item))
        else:
            raise invalid(name, padding, expected)
    if any(v < 0 for pair in pairs for v in pair):
        raise invalid(name, padding, expected)
    return tuple(pairs)


def as_choice(value: object, name: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices`` (strings), else a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise invalid(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def unwrap(values: tuple, scalar: bool):
    """Return ``values[0]`` for a scalar (1-D, all-int) call, else the tuple itself."""
    return values[0] if scalar else values
