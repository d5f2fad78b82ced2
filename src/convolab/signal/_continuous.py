"""Continuous convolution by adaptive quadrature: ``(f*g)(t) = integral f(tau) g(t - tau) dtau``.

At each ``t`` the integrand is nonzero only on the overlap of ``f``'s support with the
support of ``tau -> g(t - tau)``, which is ``[t - g_hi, t - g_lo]``. Both factors are smooth
between their breakpoints (``f``'s own, and ``g``'s mirrored and shifted to ``t - b``), so the
overlap is cut there and each piece goes to ``scipy.integrate.quad`` (QUADPACK's QAGS), whose
21-point Gauss-Kronrod rule converges fast on smooth pieces and never evaluates a piece's
ends, where the jumps are.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import integrate

from convolab._args import invalid, wrong_type
from convolab.signal._functions import Function

EPSABS = 1e-12  # absolute tolerance per piece (values of interest are >= 1e-6)
EPSREL = 1e-10  # relative tolerance per piece: four orders below the 1e-6 target
LIMIT = 100  # most subintervals quad may use per piece
MERGE = 1e-12  # cut points closer than this (relative) are one point


def _check(value, name: str) -> Function:
    if not isinstance(value, Function):
        raise wrong_type(name, value, "a convolab.signal.Function (e.g. signal.box())")
    return value


def overlap_pieces(f: Function, g: Function, t: float) -> np.ndarray:
    """Sorted cut points of the integration range at ``t``: ends of the overlap and breakpoints.

    Returns an empty array when the supports do not overlap.
    """
    lo = max(f.support[0], t - g.support[1])
    hi = min(f.support[1], t - g.support[0])
    if lo >= hi:
        return np.empty(0)
    shifted = t - np.asarray(g.breakpoints)  # g(t - tau) breaks where t - tau = b
    cuts = np.concatenate([[lo, hi], f.breakpoints, shifted])
    cuts = np.unique(cuts[(cuts >= lo) & (cuts <= hi)])
    # t - b can land a rounding error away from a breakpoint of f: merge such near-duplicates,
    # since quad cannot integrate a piece ~1e-16 wide (and it holds nothing worth integrating)
    tiny = MERGE * max(1.0, abs(lo), abs(hi))
    cuts = cuts[np.concatenate([[True], np.diff(cuts) > tiny])]
    return cuts if len(cuts) > 1 else np.empty(0)


def _convolve_at(f: Function, g: Function, t: float, epsabs, epsrel, limit) -> tuple:
    """``(value, error)`` of the convolution integral at one point."""
    cuts = overlap_pieces(f, g, t)
    value, error = 0.0, 0.0
    for a, b in itertools.pairwise(cuts):
        piece, err = integrate.quad(
            lambda tau: f.formula(tau) * g.formula(t - tau),
            a,
            b,
            epsabs=epsabs,
            epsrel=epsrel,
            limit=limit,
        )
        value += piece
        error += err
    return value, error


def continuous_convolve(f, g, t, *, epsabs=EPSABS, epsrel=EPSREL, limit=LIMIT):
    """The convolution ``(f*g)(t) = integral f(tau) g(t - tau) dtau`` at the points ``t``.

    Parameters
    ----------
    f, g : Function
        Operands with finite supports (see :func:`convolab.signal.box` and friends).
    t : float or array_like
        Points at which to evaluate, any shape.
    epsabs, epsrel, limit
        Passed to ``scipy.integrate.quad`` for each smooth piece of the overlap.

    Returns
    -------
    values, error : float or ndarray
        The integral at each ``t`` (shape of ``t``) and QUADPACK's absolute error estimate,
        summed over the pieces. Zero outside ``[f_lo + g_lo, f_hi + g_hi]``.

    Examples
    --------
    >>> from convolab.signal import box
    >>> values, error = continuous_convolve(box(), box(), [0.0, 0.5, 2.0])
    >>> values.round(12).tolist()
    [1.0, 0.5, 0.0]
    """
    f, g = _check(f, "f"), _check(g, "g")
    try:
        points = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        raise wrong_type("t", t, "a number or an array of finite numbers") from None
    if not np.all(np.isfinite(points)):
        raise invalid("t", t, "a number or an array of finite numbers")
    values, errors = np.zeros(points.shape), np.zeros(points.shape)
    for index, point in np.ndenumerate(points):
        values[index], errors[index] = _convolve_at(f, g, float(point), epsabs, epsrel, limit)
    return values[()], errors[()]


def convolution(f, g, *, epsabs=EPSABS, epsrel=EPSREL, limit=LIMIT) -> Function:
    """The function ``f*g`` itself, evaluated by :func:`continuous_convolve` when called.

    Its support is ``[f_lo + g_lo, f_hi + g_hi]`` and its breakpoints are the sums of a
    breakpoint of ``f`` and one of ``g`` (the only places where the pieces of the overlap
    change), so it convolves again: ``convolution(h, convolution(f, g))`` is ``h*(f*g)``
    by nested quadrature.

    Examples
    --------
    >>> from convolab.signal import box
    >>> convolution(box(), box())
    Function('box*box', support=(-1, 1), breakpoints=(-1, 0, 1))
    """
    f, g = _check(f, "f"), _check(g, "g")
    options = {"epsabs": epsabs, "epsrel": epsrel, "limit": limit}
    return Function(
        lambda s: continuous_convolve(f, g, s, **options)[0],
        support=(f.support[0] + g.support[0], f.support[1] + g.support[1]),
        breakpoints=[a + b for a in f.breakpoints for b in g.breakpoints],
        name=f"{_operand(f.name)}*{_operand(g.name)}",
        extent=(f.extent[0] + g.extent[0], f.extent[1] + g.extent[1]),
    )


def _operand(name: str) -> str:
    """A name, parenthesised when it is itself a sum or a convolution."""
    return f"({name})" if any(op in name for op in "+*") else name
