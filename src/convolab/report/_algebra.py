"""Section 2: the algebraic properties of convolution, measured rather than asserted."""

from __future__ import annotations

import functools

import numpy as np

from convolab import signal
from convolab.report._context import DemoContext
from convolab.report._page import paragraph, table


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b|: the error relative to the size of the result."""
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def discrete_errors(rng: np.random.Generator, n: int = 2000) -> list[tuple[str, float]]:
    """Relative errors of the three laws on random float64 signals, direct and FFT."""
    a, b, c = (rng.standard_normal(n) for _ in range(3))
    rows = []
    for method in ("direct", "fft"):
        conv = functools.partial(signal.convolve, method=method)
        rows += [
            (f"a*b = b*a ({method})", _relative(conv(a, b), conv(b, a))),
            (f"a*(b*c) = (a*b)*c ({method})", _relative(conv(a, conv(b, c)), conv(conv(a, b), c))),
            (f"a*(b+c) = a*b + a*c ({method})", _relative(conv(a, b + c), conv(a, b) + conv(a, c))),
        ]
    return rows


def continuous_errors(t: np.ndarray) -> list[tuple[str, float]]:
    """Relative errors of the laws for box, exponential and a gaussian, by quadrature."""
    f, g, h = signal.box(), signal.exponential(), signal.gaussian(0.5)
    fg = signal.convolution(f, g)
    values = lambda fn: fn(t)  # noqa: E731
    return [
        ("box*exp = exp*box", _relative(values(fg), values(signal.convolution(g, f)))),
        (
            "gauss*(box*exp) = (gauss*box)*exp",
            _relative(
                values(signal.convolution(h, fg)),
                values(signal.convolution(signal.convolution(h, f), g)),
            ),
        ),
        (
            "box*(exp+gauss) = box*exp + box*gauss",
            _relative(
                values(signal.convolution(f, g + h)), values(fg) + values(signal.convolution(f, h))
            ),
        ),
    ]


def algebra_section(ctx: DemoContext) -> str:
    t = np.linspace(-1.0, 4.0, 6 if ctx.quick else 15)
    rows = [
        (law, "random signals, 2,000 samples", f"{err:.1e}")
        for law, err in discrete_errors(ctx.rng)
    ]
    rows += [
        (law, f"continuous, {t.size} points in [-1, 4]", f"{err:.1e}")
        for law, err in continuous_errors(t)
    ]
    return paragraph(
        "Convolution is a product on integrable functions: commutative, associative and "
        "distributive over addition. The table measures each law on random discrete "
        "signals (<code>convolab.signal.convolve</code>, direct sum and FFT) and on the "
        "continuous functions (<code>convolab.signal.convolution</code>, adaptive "
        "quadrature, nested for associativity). Every error is relative to the largest "
        "value of the result: rounding for the sums and the FFT, the quadrature tolerance "
        "for the integrals."
    ) + table(["law", "operands", "max relative error"], rows)
