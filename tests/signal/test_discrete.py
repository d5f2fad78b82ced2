"""convolab.signal.convolve equals numpy.convolve for every mode, method and length pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.signal import convolve

MODES = ("full", "same", "valid")
METHODS = ("auto", "direct", "fft")


def close(ours, ref):
    assert ours.dtype == ref.dtype and ours.shape == ref.shape
    if ref.dtype.kind in "biu":
        np.testing.assert_array_equal(ours, ref)
    else:
        tol = 1e-5 if ref.dtype in (np.float32, np.complex64) else 1e-10
        np.testing.assert_allclose(ours, ref, rtol=0, atol=tol * max(1.0, np.abs(ref).max()))


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 40),
    m=st.integers(1, 40),
    mode=st.sampled_from(MODES),
    method=st.sampled_from(METHODS),
    seed=st.integers(0, 2**32 - 1),
)
def test_real_sequences(n, m, mode, method, seed):
    rng = np.random.default_rng(seed)
    a, v = rng.standard_normal(n), rng.standard_normal(m)
    close(convolve(a, v, mode, method), np.convolve(a, v, mode))


@settings(max_examples=100, deadline=None)
@given(
    a=st.lists(st.integers(-1000, 1000), min_size=1, max_size=30),
    v=st.lists(st.integers(-1000, 1000), min_size=1, max_size=30),
    mode=st.sampled_from(MODES),
    method=st.sampled_from(METHODS),
)
def test_integer_sequences_stay_exact_integers(a, v, mode, method):
    close(convolve(a, v, mode, method), np.convolve(a, v, mode))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
def test_complex_and_float32(mode, method):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(9) + 1j * rng.standard_normal(9)
    v = rng.standard_normal(4).astype(np.float32)
    close(convolve(a, v, mode, method), np.convolve(a, v, mode))
    close(convolve(v, v[:3], mode, method), np.convolve(v, v[:3], mode))


@pytest.mark.parametrize("mode", MODES)
def test_long_signals_take_the_fft(mode):
    rng = np.random.default_rng(1)
    a, v = rng.standard_normal(3000), rng.standard_normal(2000)
    close(convolve(a, v, mode), np.convolve(a, v, mode))


def test_scalars_are_length_one():
    close(convolve(2.0, [1.0, 3.0]), np.convolve(2.0, [1.0, 3.0]))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([], [1.0]), ValueError, r"a must be a non-empty 1-D sequence, got 'an empty sequence'"),
        (([1.0], np.ones((2, 2))), ValueError, r"v must be a 1-D sequence, got 'an array of "),
        (([1.0], [1.0], "wide"), ValueError, r"mode must be one of 'full', 'same', 'valid'"),
        (([1.0], [1.0], "full", "fast"), ValueError, r"method must be one of 'auto', 'direct'"),
        ((["a"], [1.0]), TypeError, r"a must be a numeric sequence, got dtype <U1"),
    ],
)
def test_errors(args, error, match):
    with pytest.raises(error, match=match):
        convolve(*args)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 30),
    m=st.integers(1, 30),
    mode=st.sampled_from(MODES),
    dtypes=st.sampled_from(
        [
            (np.complex128, np.complex128),
            (np.complex64, np.float32),
            (np.float32, np.complex128),
            (np.int8, np.int8),
            (np.int64, np.float32),
            (np.bool_, np.bool_),
        ]
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_short_path_dtypes_equal_numpy(n, m, mode, dtypes, seed):
    """The short path (numpy's correlate of the reversed, conjugated kernel) keeps
    numpy.convolve's dtype, rounding and wrap-around for every dtype pair."""
    rng = np.random.default_rng(seed)

    def sample(size, dtype):
        values = rng.integers(-100, 100, size) + 1j * rng.integers(-100, 100, size)
        if np.dtype(dtype).kind == "c":
            return values.astype(dtype)
        return values.real.astype(dtype)

    a, v = sample(n, dtypes[0]), sample(m, dtypes[1])
    close(convolve(a, v, mode), np.convolve(a, v, mode))


@pytest.mark.parametrize(
    ("a", "v", "message"),
    [
        (np.array([]), np.ones(2), r"a must be a non-empty 1-D sequence"),
        (np.ones(2), np.ones((2, 2)), r"v must be a 1-D sequence, got 'an array of shape"),
        (np.ones((2, 2)), np.ones(2), r"a must be a 1-D sequence, got 'an array of shape"),
        (np.array(["a"]), np.ones(1), r"a must be a numeric sequence, got dtype <U1"),
    ],
)
def test_array_errors_name_the_argument(a, v, message):
    """Arrays take the short path; its failures still name the argument at fault."""
    with pytest.raises((ValueError, TypeError), match=message):
        convolve(a, v)


def test_zero_dimensional_arrays_are_length_one():
    close(convolve(np.ones(3), np.array(2.0)), np.convolve(np.ones(3), np.array(2.0)))
    close(convolve(np.array(2.0), np.ones(3), "valid"), np.convolve(2.0, np.ones(3), "valid"))
