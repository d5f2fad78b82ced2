"""A padded image, built one stripe of rows at a time, straight into a reused buffer.

Padding the whole image first costs a full copy of it into a fresh array, whose pages the
kernel then has to fault in (about 2 ms for 4 MB on the project's virtual machines: more
than a 3x3 filter itself), and a second copy when the stripe is converted to the working
dtype. A stripe is instead filled from the image directly, converted on the way: its interior
rows in one copy, then the few border rows and columns through index maps
(:func:`._pad.source_index`), which follow every mode for any pad width, as
``scipy.ndimage`` extends images. Separable filters read the interior rows straight from the
image, without a copy.
"""

from __future__ import annotations

import numpy as np

from convolab.functional._pad import source_index


class PaddedSource:
    """Rows of ``color`` padded by ``pads`` in ``mode`` on demand, in any float dtype.

    ``color`` is channel-last ``(H, W, C)``; ``mode`` one of :data:`._pad.MODES`, any widths
    (``cval`` fills 'constant'); :attr:`shape` is the padded ``(Hp, Wp, C)``.
    :attr:`row_index` ``(Hp,)`` and :attr:`col_index` ``(Wp,)`` give the image row and column
    each padded position copies (``-1`` where ``mode='constant'`` puts ``cval``).
    """

    def __init__(self, color: np.ndarray, pads, mode: str, cval: float = 0.0):
        (top, bottom), (left, right) = pads
        h, w, c = color.shape
        self.color, self.cval = color, cval
        self.top, self.left, self.height, self.width = top, left, h, w
        self.shape = (h + top + bottom, w + left + right, c)
        self.constant = mode == "constant"
        self.row_index = source_index(h, top, bottom, mode)  # (Hp,)
        self.col_index = source_index(w, left, right, mode)  # (Wp,)

    def rows(self, start: int, stop: int, out: np.ndarray) -> np.ndarray:
        """Padded rows ``start:stop`` written into ``out`` ``(stop - start, Wp, C)``."""
        left, w = self.left, self.width
        self.inner_rows(start, stop, out[:, left : left + w])
        if self.constant:
            out[:, :left] = self.cval
            out[:, left + w :] = self.cval
        else:  # border columns copy interior columns of the same rows
            out[:, :left] = out[:, self.col_index[:left] + left]
            out[:, left + w :] = out[:, self.col_index[left + w :] + left]
        return out

    def inner_rows(self, start: int, stop: int, out: np.ndarray) -> np.ndarray:
        """Padded rows ``start:stop`` without their border columns, into ``out`` ``(S, W, C)``."""
        top, h = self.top, self.height
        lo, hi = max(start, top), min(stop, top + h)  # the rows inside the image
        if lo < hi:
            np.copyto(out[lo - start : hi - start], self.color[lo - top : hi - top], "unsafe")
        for row in (*range(start, min(stop, top)), *range(max(start, top + h), stop)):
            if self.constant:
                out[row - start] = self.cval
            else:
                np.copyto(out[row - start], self.color[self.row_index[row]], "unsafe")
        return out

    def inner_view(self, start: int, stop: int, dtype) -> np.ndarray | None:
        """Rows ``start:stop`` without border columns as a view of the image, ``(S, W * C)``,
        when they lie inside it, are of ``dtype`` and each row is contiguous; else ``None``."""
        if start < self.top or stop > self.top + self.height or self.color.dtype != dtype:
            return None
        rows = self.color[start - self.top : stop - self.top]
        return rows.reshape(rows.shape[0], -1) if rows[0].flags.c_contiguous else None

    def columns(self, cols: np.ndarray) -> np.ndarray:
        """Every padded row at the padded columns ``cols`` (any shape), in float64:
        ``(Hp, *cols.shape, C)``."""
        q = self.col_index[cols].reshape(-1)
        values = np.take(self.color, np.maximum(q, 0), axis=1)  # (H, n, C)
        values = np.take(values, np.maximum(self.row_index, 0), axis=0).astype(np.float64)
        if self.constant:
            values[self.row_index < 0] = self.cval
            values[:, q < 0] = self.cval
        return values.reshape(self.shape[0], *cols.shape, self.shape[2])

    def windows(self, y: np.ndarray, x: np.ndarray, c: np.ndarray, size) -> np.ndarray:
        """``(n, kh, kw)`` float64 windows of the padded image with top-left corners
        ``(y[i], x[i])`` in channel ``c[i]``, gathered from the image itself."""
        kh, kw = size
        r = self.row_index[y[:, None, None] + np.arange(kh)[:, None]]  # (n, kh, 1)
        q = self.col_index[x[:, None, None] + np.arange(kw)]  # (n, 1, kw)
        values = self.color[r, q, c[:, None, None]].astype(np.float64)  # (n, kh, kw)
        if self.constant:
            values[(r < 0) | (q < 0)] = self.cval
        return values
