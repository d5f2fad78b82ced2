"""PaddedSource: any stripe of rows equals the same rows of the whole padded image.

The reference is ``numpy.pad`` (scipy.ndimage's names mapped to NumPy's), itself checked
against ``scipy.ndimage``'s own boundary extension below.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.functional._pad import SCIPY_MODES, source_index
from convolab.functional._runtime import scratch
from convolab.functional._source import PaddedSource

MODES = tuple(SCIPY_MODES)  # scipy.ndimage's names
NUMPY_NAMES = {"reflect": "symmetric", "mirror": "reflect", "nearest": "edge", "wrap": "wrap"}


def pad_image(x: np.ndarray, pads, mode: str, cval: float = 0.0) -> np.ndarray:
    """``x`` ``(H, W, ...)`` extended by ``((top, bottom), (left, right))`` as scipy.ndimage
    extends it, through numpy.pad (which repeats the periodic modes for any width)."""
    widths = (*pads, *((0, 0),) * (x.ndim - 2))
    if mode == "constant":
        return np.pad(x, widths, constant_values=cval)
    return np.pad(x, widths, mode=NUMPY_NAMES[mode])


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 7), lo=st.integers(0, 20), hi=st.integers(0, 20),
       mode=st.sampled_from(MODES))  # fmt: skip
def test_the_reference_is_scipy_ndimage_extension(size, lo, hi, mode):
    """Cell ``i`` of the extended axis is what scipy reads there: a shifted delta kernel."""
    x = np.arange(1.0, size + 1)
    reach = max(lo, hi + size)
    for i in range(-lo, size + hi):
        delta = np.zeros(2 * reach + 1)
        delta[reach + i] = 1.0  # output 0 reads input cell i
        want = ndi.correlate1d(x, delta, mode=mode, cval=-7.0)[0]
        got = pad_image(x[:, None], ((lo, hi), (0, 0)), mode, cval=-7.0)[i + lo, 0]
        assert got == want, (i, got, want)


@settings(max_examples=200, deadline=None)
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    c=st.integers(1, 3),
    pads=st.tuples(*(st.integers(0, 20) for _ in range(4))),
    mode=st.sampled_from(MODES),
    data=st.data(),
)
def test_rows_equal_pad_image(h, w, c, pads, mode, data):
    """Every scipy mode, pads wider than the image, uint8 converted on the way."""
    top, bottom, left, right = pads
    rng = np.random.default_rng(h * 100 + w)
    image = rng.integers(0, 256, (h, w, c), dtype=np.uint8)
    pairs = ((top, bottom), (left, right))
    ref = pad_image(image.astype(np.float64), pairs, mode, cval=2.5)
    source = PaddedSource(image, pairs, SCIPY_MODES[mode], cval=2.5)
    assert source.shape == ref.shape
    start = data.draw(st.integers(0, ref.shape[0] - 1))
    stop = data.draw(st.integers(start + 1, ref.shape[0]))
    out = np.full((stop - start, *ref.shape[1:]), np.nan)
    np.testing.assert_array_equal(source.rows(start, stop, out), ref[start:stop])
    planes = np.full((c, *ref.shape[:2]), np.nan, dtype=np.float32)  # FFT's (C, Hp, Wp) layout
    source.rows(0, ref.shape[0], np.moveaxis(planes, 0, -1))
    np.testing.assert_array_equal(np.moveaxis(planes, 0, -1), ref.astype(np.float32))


def test_scratch_is_reused_per_role_and_grows():
    a = scratch("test-role", (4, 4), np.float32)
    b = scratch("test-role", (2, 8), np.float32)
    assert np.shares_memory(a, b)
    c = scratch("test-role", (100, 100), np.float64)  # larger: a new buffer
    assert c.shape == (100, 100) and c.dtype == np.float64
    assert not np.shares_memory(scratch("other-role", (4, 4), np.float32), c)


def test_scratch_does_not_keep_whole_images():
    from convolab.functional import _runtime

    size = _runtime.KEEP_BYTES // 8 + 1  # float64 elements just over the limit
    big = scratch("big-role", (size,), np.float64)
    assert big.shape == (size,)
    assert not np.shares_memory(big, scratch("big-role", (size,), np.float64))


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 9),
    lo=st.integers(0, 30),
    hi=st.integers(0, 30),
    mode=st.sampled_from(MODES),
)
def test_source_index_is_what_pad_image_copies(size, lo, hi, mode):
    """The closed forms against padding the indices themselves (-1 marks cval)."""
    indices = np.arange(size).reshape(size, 1, 1)
    want = pad_image(indices, ((lo, hi), (0, 0)), mode, cval=-1)[:, 0, 0]
    np.testing.assert_array_equal(source_index(size, lo, hi, SCIPY_MODES[mode]), want)


def test_windows_and_columns_gather_the_padded_image():
    image = np.random.default_rng(3).integers(0, 256, (6, 5, 2), dtype=np.uint8)
    pairs = ((3, 2), (4, 1))
    for mode in MODES:
        ref = pad_image(image.astype(np.float64), pairs, mode, cval=9.5)
        source = PaddedSource(image, pairs, SCIPY_MODES[mode], cval=9.5)
        y, x, c = np.array([0, 4, 6]), np.array([0, 3, 5]), np.array([1, 0, 1])
        got = source.windows(y, x, c, (3, 4))
        for i in range(3):
            np.testing.assert_array_equal(got[i], ref[y[i] : y[i] + 3, x[i] : x[i] + 4, c[i]])
        cols = np.array([[0, 1], [9, 2]])
        np.testing.assert_array_equal(source.columns(cols), ref[:, cols])
