"""The function library: values, supports, truncation, repr and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special

from convolab import signal
from convolab.signal import _functions


@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("box", 1.0),
        ("triangle", 1.0),
        ("gaussian", 1.0),
        ("exponential", 1.0),
        ("sawtooth", 1.5),
        ("ramp", 0.5),
    ],
)
def test_areas_against_closed_forms(name, area):
    f = signal.get_function(name)
    pieces = zip(f.breakpoints[:-1], f.breakpoints[1:])
    total = sum(integrate.quad(f, a, b, epsabs=1e-13)[0] for a, b in pieces)
    assert total == pytest.approx(area, rel=1e-9)


def test_values_and_zero_outside_support():
    assert signal.box()([-0.6, -0.5, 0.0, 0.5, 0.6]).tolist() == [0, 1, 1, 1, 0]
    assert signal.triangle()([-1.5, -0.5, 0.0, 0.25]).tolist() == [0, 0.5, 1, 0.75]
    assert signal.sawtooth()([0.25, 1.5, 2.75, 3.5]).tolist() == [0.25, 0.5, 0.75, 0]
    assert signal.ramp()([-0.1, 0.4, 1.2]).tolist() == [0, 0.4, 0]
    assert float(signal.exponential()(2.0)) == pytest.approx(math.exp(-2.0))
    assert float(signal.gaussian(2.0)(1.0)) == pytest.approx(
        math.exp(-1 / 8) / (2 * math.sqrt(2 * math.pi))
    )


def test_truncation_is_far_below_the_target():
    # mass of a gaussian beyond the cut, and of the exponential tail beyond its cutoff
    assert special.erfc(_functions.GAUSSIAN_TRUNCATE / math.sqrt(2)) < 1e-20
    assert math.exp(-_functions.EXPONENTIAL_CUTOFF) < 1e-16
    assert signal.gaussian(0.5).support == (-5.0, 5.0)


def test_repr_is_readable():
    assert repr(signal.box()) == "Function('box', support=(-0.5, 0.5), breakpoints=(-0.5, 0.5))"
    assert repr(signal.gaussian(2)) == (
        "Function('gaussian(2)', support=(-20, 20), breakpoints=(-20, 0, 20))"
    )


def test_sum_of_functions():
    s = signal.box() + signal.ramp()
    assert s.support == (-0.5, 1.0) and s.name == "box + ramp"
    assert s([0.25, 0.75]).tolist() == [1.25, 0.75]
    assert s.breakpoints == (-0.5, 0.0, 0.5, 1.0)


def test_unknown_name_lists_known_and_close_matches():
    with pytest.raises(
        ValueError,
        match=r"--f must be one of 'box', 'triangle', .*'ramp', "
        r"got 'gausian' \(did you mean 'gaussian'\?\)",
    ):
        signal.get_function("gausian", "--f")
    with pytest.raises(ValueError, match=r"got 'zzz'$"):
        signal.get_function("zzz")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: signal.gaussian(0), ValueError, r"sigma must be a positive finite number, got 0"),
        (lambda: signal.gaussian(float("inf")), ValueError, r"sigma must be a positive"),
        (lambda: signal.gaussian("1"), TypeError, r"sigma must be .* of type str"),
        (
            lambda: signal.Function(np.sin, support=(1, 0)),
            ValueError,
            r"support must be a pair \(lo, hi\) of finite numbers with lo < hi, got \(1, 0\)",
        ),
        (lambda: signal.Function(np.sin, support=(0, np.inf)), ValueError, r"support must be"),
        (lambda: signal.Function(np.sin, support=3), TypeError, r"support must be"),
        (lambda: signal.Function(3, support=(0, 1)), TypeError, r"formula must be a callable"),
        (
            lambda: signal.continuous_convolve(np.sin, signal.box(), 0),
            TypeError,
            r"f must be a convolab.signal.Function",
        ),
        (
            lambda: signal.continuous_convolve(signal.box(), signal.box(), [0, np.nan]),
            ValueError,
            r"t must be a number or an array of finite numbers",
        ),
        (
            lambda: signal.continuous_convolve(signal.box(), signal.box(), "x"),
            TypeError,
            r"t must be a number or an array of finite numbers, got 'x' of type str",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
