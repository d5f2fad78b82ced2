"""The padded image, built one stripe of rows at a time, straight into a reused buffer.

Padding the whole image first costs a full copy of it into a fresh array, whose pages the
kernel then has to fault in (about 2 ms for 4 MB on the project's virtual machines: more
than a 3x3 filter itself), and a second copy when the stripe is converted to the working
dtype. A stripe is instead filled from the image directly, converted on the way: its interior
rows in one copy, then the few border rows and columns through index maps, which come from
padding ``arange`` with :func:`._boundary.pad_image` and so follow every ``scipy.ndimage``
mode for any pad width.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from convolab.image._boundary import pad_image

_SCRATCH = threading.local()
KEEP_BYTES = 32 << 20  # larger scratch arrays (a whole image's, for FFT) are not kept


def scratch(role: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised array for ``role``, reused by later calls of this thread.

    Each role keeps one buffer, grown when needed, so that a stripe's temporaries do not
    fault in fresh pages on every stripe; nothing may hold a view of it across stripes.
    A request over :data:`KEEP_BYTES` gets a fresh array that is not kept.
    """
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    if nbytes > KEEP_BYTES:
        return np.empty(shape, dtype=dtype)
    buffers = _SCRATCH.__dict__.setdefault("buffers", {})
    buffer = buffers.get(role)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = buffers[role] = np.empty(max(nbytes, 1), dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)


def _index_map(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """``(lo + size + hi,)`` source index of every padded position (any mode but constant)."""
    indices = np.arange(size).reshape(size, 1, 1)
    return pad_image(indices, ((lo, hi), (0, 0)), mode)[:, 0, 0]


class PaddedSource:
    """Rows of ``pad_image(color, pads, mode, cval)`` on demand, in any float dtype.

    ``color`` is channel-last ``(H, W, C)``; :attr:`shape` is the padded ``(Hp, Wp, C)``.
    """

    def __init__(self, color: np.ndarray, pads, mode: str, cval: float = 0.0):
        (top, bottom), (left, right) = pads
        h, w, c = color.shape
        self.color, self.cval = color, cval
        self.top, self.left, self.height, self.width = top, left, h, w
        self.shape = (h + top + bottom, w + left + right, c)
        self.constant = mode == "constant"
        if not self.constant:
            self.row_map = _index_map(h, top, bottom, mode)  # (Hp,)
            cols = _index_map(w, left, right, mode)  # (Wp,)
            self.col_left, self.col_right = cols[:left] + left, cols[left + w :] + left

    def rows(self, start: int, stop: int, out: np.ndarray) -> np.ndarray:
        """Padded rows ``start:stop`` written into ``out`` ``(stop - start, Wp, C)``."""
        top, left, h, w = self.top, self.left, self.height, self.width
        inner = out[:, left : left + w]  # (S, W, C)
        lo, hi = max(start, top), min(stop, top + h)  # the rows inside the image
        if lo < hi:
            np.copyto(inner[lo - start : hi - start], self.color[lo - top : hi - top], "unsafe")
        for row in (*range(start, min(stop, top)), *range(max(start, top + h), stop)):
            if self.constant:
                out[row - start] = self.cval
            else:
                np.copyto(inner[row - start], self.color[self.row_map[row]], "unsafe")
        if self.constant:
            out[:, :left] = self.cval
            out[:, left + w :] = self.cval
        else:  # border columns copy interior columns of the same rows
            out[:, :left] = out[:, self.col_left]
            out[:, left + w :] = out[:, self.col_right]
        return out
