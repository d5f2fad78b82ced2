"""continuous_convolve against closed forms, and the algebra of convolution."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab import signal
from convolab.signal import continuous_convolve, convolution

# quad must never warn on our functions: a warning means a badly split integral
pytestmark = pytest.mark.filterwarnings("error::scipy.integrate.IntegrationWarning")
RTOL = 1e-6  # the acceptance tolerance of issue 4, on default settings


def _gauss(t, sigma):
    return np.exp(-0.5 * (np.asarray(t) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))


def _exp_box(t):
    """(exponential * box)(t) = e^{-max(0, t - 1/2)} - e^{-(t + 1/2)} for t >= -1/2."""
    t = np.asarray(t, dtype=float)
    value = np.exp(-np.maximum(0.0, t - 0.5)) - np.exp(-(t + 0.5))
    return np.where(t >= -0.5, value, 0.0)


CLOSED_FORMS = [
    (
        "box*box = triangle",
        signal.box(),
        signal.box(),
        lambda t: np.maximum(0, 1 - np.abs(t)),
        np.linspace(-0.99, 0.99, 23),
    ),
    (
        "gauss*gauss",
        signal.gaussian(0.7),
        signal.gaussian(1.3),
        lambda t: _gauss(t, math.hypot(0.7, 1.3)),
        np.linspace(-5, 5, 21),
    ),
    ("exponential*box", signal.exponential(), signal.box(), _exp_box, np.linspace(-0.49, 12, 25)),
    ("box*exponential", signal.box(), signal.exponential(), _exp_box, np.array([-0.3, 0.5, 3.0])),
    (
        "exp*exp = t e^-t",
        signal.exponential(),
        signal.exponential(),
        lambda t: t * np.exp(-t),
        np.linspace(0.01, 20, 25),
    ),
]


@pytest.mark.parametrize(
    ("label", "f", "g", "exact", "t"), CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS]
)
def test_closed_forms(label, f, g, exact, t):
    values, error = continuous_convolve(f, g, t)
    np.testing.assert_allclose(values, exact(t), rtol=RTOL, atol=0)
    assert values.shape == t.shape and error.shape == t.shape
    assert np.all(error >= 0) and np.all(error < 1e-8)


@given(s1=st.floats(0.1, 3), s2=st.floats(0.1, 3), z=st.floats(-4, 4))
@settings(max_examples=40)
def test_gaussians_add_variances(s1, s2, z):
    sigma = math.hypot(s1, s2)
    value, _ = continuous_convolve(signal.gaussian(s1), signal.gaussian(s2), z * sigma)
    assert value == pytest.approx(_gauss(z * sigma, sigma), rel=RTOL)


@given(t=st.floats(-1, 1))
@settings(max_examples=40)
def test_box_box_is_triangle_everywhere(t):
    value, _ = continuous_convolve(signal.box(), signal.box(), t)
    assert value == pytest.approx(1 - abs(t), rel=RTOL, abs=1e-12)


@given(t=st.floats(-0.5, 30))
@settings(max_examples=40)
def test_exponential_box_random_points(t):
    value, _ = continuous_convolve(signal.exponential(), signal.box(), t)
    assert value == pytest.approx(float(_exp_box(t)), rel=RTOL, abs=1e-14)


def test_zero_outside_the_sum_of_supports():
    values, error = continuous_convolve(signal.box(), signal.ramp(), [-1.6, 1.6, 100.0])
    assert values.tolist() == [0.0, 0.0, 0.0] and error.tolist() == [0.0, 0.0, 0.0]


def test_scalar_in_scalar_out():
    value, error = continuous_convolve(signal.box(), signal.box(), 0.25)
    assert np.ndim(value) == 0 and np.ndim(error) == 0
    assert float(value) == pytest.approx(0.75, rel=1e-12)


def test_sawtooth_matches_mpmath_tanh_sinh():
    """Independent reference: mpmath's tanh-sinh quadrature, split at hand-listed breakpoints."""
    mpmath = pytest.importorskip("mpmath")
    f, g = signal.sawtooth(), signal.triangle()
    for t in (-0.5, 0.3, 1.0, 2.7, 3.9):
        cuts = sorted({0, 1, 2, 3, *(c for c in (t - 1, t, t + 1) if 0 < c < 3)})
        reference = mpmath.quad(lambda x, t=t: (x - mpmath.floor(x)) * max(0, 1 - abs(t - x)), cuts)
        assert float(continuous_convolve(f, g, t)[0]) == pytest.approx(float(reference), rel=1e-9)


def test_user_callable_with_support():
    half_sine = signal.Function(np.sin, support=(0, np.pi), name="sin")
    # (sin on [0, pi]) * box at t = pi/2: integral of sin over [pi/2 - 1/2, pi/2 + 1/2]
    t = np.pi / 2
    exact = math.cos(t - 0.5) - math.cos(t + 0.5)
    assert float(continuous_convolve(half_sine, signal.box(), t)[0]) == pytest.approx(
        exact, rel=1e-9
    )


NAMES = list(signal.LIBRARY)


@given(a=st.sampled_from(NAMES), b=st.sampled_from(NAMES), t=st.floats(-3, 6))
@settings(max_examples=30)
def test_commutative(a, b, t):
    f, g = signal.get_function(a), signal.get_function(b)
    fg, _ = continuous_convolve(f, g, t)
    gf, _ = continuous_convolve(g, f, t)
    assert fg == pytest.approx(gf, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [
        ("box", "box", "exponential"),
        ("triangle", "sawtooth", "ramp"),
        ("gaussian", "box", "exponential"),
    ],
)
def test_associative_by_nested_quadrature(a, b, c):
    f, g, h = (signal.get_function(n) for n in (a, b, c))
    t = np.array([-0.4, 0.6, 1.7, 3.1])
    left, _ = continuous_convolve(convolution(f, g), h, t)  # (f*g)*h
    right, _ = continuous_convolve(f, convolution(g, h), t)  # f*(g*h)
    np.testing.assert_allclose(left, right, rtol=1e-8, atol=1e-12)


def test_three_gaussians_closed_form():
    sigmas = (0.5, 0.8, 1.1)
    nested = convolution(
        convolution(*(signal.gaussian(s) for s in sigmas[:2])), signal.gaussian(sigmas[2])
    )
    t = np.array([-2.0, 0.0, 0.9, 2.5])
    np.testing.assert_allclose(nested(t), _gauss(t, math.hypot(*sigmas)), rtol=RTOL)


def test_box_box_box_is_the_quadratic_b_spline():
    t = np.array([-1.2, -0.5, 0.0, 0.3, 0.8, 1.4])
    spline = np.where(
        np.abs(t) <= 0.5, 0.75 - t**2, np.where(np.abs(t) <= 1.5, 0.5 * (1.5 - np.abs(t)) ** 2, 0.0)
    )
    value, _ = continuous_convolve(convolution(signal.box(), signal.box()), signal.box(), t)
    np.testing.assert_allclose(value, spline, rtol=RTOL)


@given(
    a=st.sampled_from(NAMES), b=st.sampled_from(NAMES), c=st.sampled_from(NAMES), t=st.floats(-2, 5)
)
@settings(max_examples=25)
def test_distributive(a, b, c, t):
    f, g, h = (signal.get_function(n) for n in (a, b, c))
    whole, _ = continuous_convolve(f, g + h, t)
    parts = continuous_convolve(f, g, t)[0] + continuous_convolve(f, h, t)[0]
    assert whole == pytest.approx(parts, rel=1e-8, abs=1e-12)


def test_convolution_function_support_and_breakpoints():
    fg = convolution(signal.box(), signal.exponential())
    assert fg.support == (-0.5, 40.5)
    assert fg.breakpoints == (-0.5, 0.5, 39.5, 40.5)
    assert fg.name == "box*exponential"
    assert float(fg(0.0)) == pytest.approx(float(_exp_box(0.0)), rel=RTOL)
    assert float(fg(41.0)) == 0.0


def test_rounding_near_a_breakpoint_does_not_split_a_sliver():
    """t = 2 - 1 ulp puts t - 1 one ulp from sawtooth's jump at 1: no 1e-16-wide piece."""
    t = np.nextafter(2.0, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, _ = continuous_convolve(signal.sawtooth(), signal.ramp(), t)
    # integral over [1, 2] of (tau - 1) * (2 - tau) = 1/6
    assert float(value) == pytest.approx(1 / 6, rel=1e-9)
