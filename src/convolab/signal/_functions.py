"""Functions of one real variable with a support: the operands of a continuous convolution.

A :class:`Function` is a formula, the closed interval outside which it is zero, and its
breakpoints: the points where it jumps, has a kink or a sharp peak. Quadrature splits there,
so each piece it integrates is smooth and converges fast (QUADPACK's advice for ``quad``).

Two library functions have infinite support and are truncated, documented here:

* ``gaussian(sigma)`` is cut at ``GAUSSIAN_TRUNCATE = 10`` sigmas. The mass beyond is
  ``erfc(10 / sqrt(2)) = 1.5e-23``, 17 orders of magnitude below the 1e-6 accuracy target.
* ``exponential`` (``e^{-t}`` for ``t >= 0``) is cut at ``EXPONENTIAL_CUTOFF = 40``, where
  ``e^{-40} = 4.2e-18``. Convolutions with it are exact for ``t`` up to ``40`` plus the other
  operand's left end of support.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable

import numpy as np

from convolab._args import InvalidValueError, invalid, wrong_type

GAUSSIAN_TRUNCATE = 10.0  # gaussian support is [-10 sigma, 10 sigma]
EXPONENTIAL_CUTOFF = 40.0  # exponential support is [0, 40]

Formula = Callable[[np.ndarray], np.ndarray]


def _interval(value, name: str) -> tuple[float, float]:
    """A finite ``(lo, hi)`` pair with ``lo < hi``, as floats."""
    expected = "a pair (lo, hi) of finite numbers with lo < hi"
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise wrong_type(name, value, expected) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise invalid(name, value, expected)
    return lo, hi


class Function:
    """A function of one real variable, zero outside a closed interval.

    Parameters
    ----------
    formula : callable
        Maps an array of floats inside the support to an array of values of the same shape
        (NumPy functions do). It is never called outside the support.
    support : (lo, hi)
        Finite closed interval outside which the function is 0.
    breakpoints : sequence of float, optional
        Jumps, kinks or sharp peaks inside the support; the support's ends always count.
    name : str, optional
        Shown in ``repr`` and in the animations' legends.
    extent : (lo, hi), optional
        The interval worth drawing (default: the support).

    Examples
    --------
    >>> Function(np.sin, support=(0, np.pi), name="sin")
    Function('sin', support=(0, 3.14159), breakpoints=(0, 3.14159))
    >>> float(Function(np.sin, support=(0, np.pi))(4.0))
    0.0
    """

    def __init__(self, formula: Formula, support, breakpoints=(), name="f", extent=None):
        if not callable(formula):
            raise wrong_type("formula", formula, "a callable taking an array of floats")
        self.formula = formula
        self.support = _interval(support, "support")
        lo, hi = self.support
        inner = [float(b) for b in breakpoints if lo < float(b) < hi]
        self.breakpoints = tuple(sorted({lo, hi, *inner}))  # sorted, support ends included
        self.name = str(name)
        self.extent = self.support if extent is None else _interval(extent, "extent")

    def __call__(self, t):
        """Values at ``t`` (scalar or array): the formula on the support, 0 elsewhere."""
        t = np.asarray(t, dtype=float)
        inside = (t >= self.support[0]) & (t <= self.support[1])
        out = np.zeros(t.shape)
        if inside.any():
            out[inside] = self.formula(t[inside])
        return out[()]

    def __add__(self, other: Function) -> Function:
        """The pointwise sum, supported on the hull of both supports."""
        if not isinstance(other, Function):
            return NotImplemented
        (a_lo, a_hi), (b_lo, b_hi) = self.support, other.support
        return Function(
            lambda t: self(t) + other(t),
            support=(min(a_lo, b_lo), max(a_hi, b_hi)),
            breakpoints=self.breakpoints + other.breakpoints,
            name=f"{self.name} + {other.name}",
            extent=(min(self.extent[0], other.extent[0]), max(self.extent[1], other.extent[1])),
        )

    def __repr__(self) -> str:
        support = ", ".join(f"{v:g}" for v in self.support)
        points = ", ".join(f"{v:g}" for v in self.breakpoints)
        return f"Function({self.name!r}, support=({support}), breakpoints=({points}))"


def box() -> Function:
    """The unit box (rect): 1 on ``|t| <= 1/2``, 0 elsewhere; unit area."""
    return Function(np.ones_like, support=(-0.5, 0.5), name="box")


def triangle() -> Function:
    """The unit triangle ``1 - |t|`` on ``|t| <= 1``; equals ``box * box``."""
    return Function(lambda t: 1.0 - np.abs(t), support=(-1, 1), breakpoints=(0,), name="triangle")


def gaussian(sigma: float = 1.0) -> Function:
    """The normal density ``exp(-t^2 / (2 sigma^2)) / (sigma sqrt(2 pi))``, unit area.

    Truncated at ``GAUSSIAN_TRUNCATE`` sigmas (see the module docstring); the peak at 0 is a
    breakpoint so that quadrature never steps over it.
    """
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.floating, np.integer)):
        raise wrong_type("sigma", sigma, "a positive finite number")
    if not (math.isfinite(sigma) and sigma > 0):
        raise invalid("sigma", sigma, "a positive finite number")
    sigma = float(sigma)
    scale = 1.0 / (sigma * math.sqrt(2 * math.pi))
    cut = GAUSSIAN_TRUNCATE * sigma
    return Function(
        lambda t: scale * np.exp(-0.5 * (t / sigma) ** 2),
        support=(-cut, cut),
        breakpoints=(0,),
        name=f"gaussian({sigma:g})",
        extent=(-4 * sigma, 4 * sigma),
    )


def exponential() -> Function:
    """The one-sided exponential ``e^{-t}`` for ``t >= 0``: a jump at 0, a long tail.

    Truncated at ``EXPONENTIAL_CUTOFF`` (see the module docstring).
    """
    return Function(
        lambda t: np.exp(-t), support=(0, EXPONENTIAL_CUTOFF), name="exponential", extent=(0, 5)
    )


def sawtooth() -> Function:
    """Three teeth ``t - floor(t)`` on ``[0, 3]``: jumps at 1, 2 and 3."""
    return Function(lambda t: t - np.floor(t), support=(0, 3), breakpoints=(1, 2), name="sawtooth")


def ramp() -> Function:
    """A single rising ramp ``t`` on ``[0, 1]``, then a jump back to 0."""
    return Function(lambda t: np.asarray(t, dtype=float), support=(0, 1), name="ramp")


# The named library, in the order help texts list it; each maker takes no required argument.
LIBRARY: dict[str, Callable[[], Function]] = {
    "box": box,
    "triangle": triangle,
    "gaussian": gaussian,
    "exponential": exponential,
    "sawtooth": sawtooth,
    "ramp": ramp,
}


def get_function(name: str, argname: str = "name") -> Function:
    """The library function called ``name`` (``gaussian`` has sigma 1).

    An unknown name raises ``ValueError`` listing the known names and the close matches.

    Examples
    --------
    >>> get_function("box")
    Function('box', support=(-0.5, 0.5), breakpoints=(-0.5, 0.5))
    """
    if not isinstance(name, str):
        raise wrong_type(argname, name, "the name of a library function")
    if name not in LIBRARY:
        known = ", ".join(repr(n) for n in LIBRARY)
        close = difflib.get_close_matches(name, LIBRARY, n=2)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        raise InvalidValueError(f"{invalid(argname, name, 'one of ' + known)}{hint}")
    return LIBRARY[name]()
