"""True convolution: scipy.signal.convolve's outputs and the algebra the definition promises."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.functional import convolve

TOL = 1e-10


def arrays(ndim: int, max_side: int = 6):
    shape = st.tuples(*[st.integers(1, max_side)] * ndim)
    return shape.flatmap(
        lambda s: st.integers(0, 2**32 - 1).map(
            lambda seed: np.random.default_rng(seed).standard_normal(s)
        )
    )


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=0, atol=TOL * max(1.0, np.abs(b).max()))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("method", ["gemm", "direct", "fft", "auto"])
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_matches_scipy(ndim, method, mode):
    rng = np.random.default_rng(ndim)
    a = rng.standard_normal((7, 6, 5)[:ndim])
    v = rng.standard_normal((3, 4, 2)[:ndim])
    close(convolve(a, v, mode, method=method), scipy.signal.convolve(a, v, mode, "direct"))


@pytest.mark.parametrize("ndim", [1, 2])
class TestAlgebra:
    """Full-mode convolution of random arrays, 1-D and 2-D."""

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_commutative(self, ndim, data):
        f, g = data.draw(arrays(ndim)), data.draw(arrays(ndim))
        close(convolve(f, g), convolve(g, f))

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_associative(self, ndim, data):
        f, g, h = (data.draw(arrays(ndim, 4)) for _ in range(3))
        close(convolve(convolve(f, g), h), convolve(f, convolve(g, h)))

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_distributive(self, ndim, data):
        f, g = data.draw(arrays(ndim)), data.draw(arrays(ndim))
        h = np.random.default_rng(0).standard_normal(g.shape)
        close(convolve(f, g + h), convolve(f, g) + convolve(f, h))

    @settings(max_examples=40, deadline=None)
    @given(data=st.data(), shift=st.integers(1, 3))
    def test_shift_equivariant(self, ndim, data, shift):
        f, g = data.draw(arrays(ndim)), data.draw(arrays(ndim))
        shifted = np.pad(f, ((shift, 0),) + ((0, 0),) * (ndim - 1))  # delay along axis 0
        expected = np.pad(convolve(f, g), ((shift, 0),) + ((0, 0),) * (ndim - 1))
        close(convolve(shifted, g), expected)

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_identity(self, ndim, data):
        f = data.draw(arrays(ndim))
        delta = np.ones((1,) * ndim)
        close(convolve(f, delta), f)
        close(convolve(delta, f), f)


def test_flipped_versus_correlation():
    # The kernel [0, 1, 2] is flipped: convolution reads it backwards.
    np.testing.assert_allclose(convolve([1.0, 0, 0], [0, 1.0, 2.0]), [0, 1, 2, 0, 0], atol=1e-12)
