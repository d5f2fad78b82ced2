"""Integer images receive the engine's float response here: rounded exactly, then saturated.

The plane engine (:func:`convolab.functional._planes.correlate_planes`) hands each stripe's
float response to a store; for integer images that is a :class:`RoundingStore`, which rounds
half to even with ties re-decided in float64 (:func:`._ties.round_exactly`) and saturates to
``[0, top]``, so that the result equals ``scipy.ndimage``'s float64 sum rounded and clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convolab.functional._runtime import scratch
from convolab.image._ties import round_exactly


@dataclass
class RoundingStore:
    """Rounds and saturates responses into ``target`` ``(H, W, C)`` of integers up to ``top``.

    ``tol``: how far a computed sum may be from the exact one (``None``: sums exact, or no
    tie within reach); ``kernel``: the float64 kernel the re-checks sum with; ``saturate``:
    False when no output can leave ``[0, top]`` (a pass saved).
    """

    target: np.ndarray
    top: int
    tol: float | None
    kernel: np.ndarray
    saturate: bool = True

    def __call__(self, rows: slice, columns, response: np.ndarray, windows) -> None:
        tol = self.tol
        # channel planes seen channel-last (banded, FFT): the rounding passes run 1.3-3x
        # faster on a channel-last copy (measured), and for uint8 a float32 one halves their
        # traffic: only outputs within 1 of [0, 255] matter, whose conversion is off by
        # at most 256 * 2**-24, added to the tolerance
        if response.shape[-1] > 1 and response.strides[-1] != response.itemsize:
            l1 = float(np.abs(self.kernel).sum())
            narrow = self.top <= 255 and tol is not None and self.top * l1 < 2.0**100
            contiguous = scratch("response", response.shape,
                                 np.float32 if narrow else response.dtype)  # fmt: skip
            np.copyto(contiguous, response, casting="same_kind")
            response = contiguous
            if narrow:
                tol += 256 * 2.0**-24
        rounded = round_exactly(response, tol, windows, self.kernel)
        if columns is not None:  # a gather of columns: assigned, not a view to write into
            self.target[rows, columns] = np.clip(rounded, 0, self.top)
        elif self.saturate:
            np.clip(rounded, 0, self.top, out=self.target[rows], casting="unsafe")
        else:
            np.copyto(self.target[rows], rounded, casting="unsafe")
