"""A GIF written frame by frame: memory stays one frame deep whatever the frame count.

Pillow's ``save(save_all=True)`` keeps every frame until the end (it merges repeated frames
before writing), so a long animation grew by about 1.6 MB a frame. Here each frame is encoded
as soon as it arrives, with Pillow's own LZW encoder (``GifImagePlugin.getdata``, its API for
building animations by hand), and only the previous frame is kept:

- a frame stores only the rectangle that changed since the previous one, and inside it the
  unchanged pixels are transparent (index :data:`CLEAR`), shown through from the frame below
  (disposal 1): flat plot colours then cost a few kilobytes a frame;
- colours come from an adaptive palette of :data:`PALETTE_COLOURS` learnt from the first
  frame; a frame whose changed pixels that palette cannot show (a colour appearing for the
  first time) learns a new one from the whole frame and carries it as a local colour table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from convolab._args import invalid

PALETTE_COLOURS = 63  # plenty for flat plot colours plus their anti-aliased edges
CLEAR = PALETTE_COLOURS  # the 64th palette entry: transparent, "unchanged since last frame"
HOLD_LAST_MS = 1500  # the finished picture stays up a moment before the loop restarts
# A palette is learnt again when more changed pixels than this share (and at least 16) are
# further than TOLERANCE from their palette colour in some channel.
TOLERANCE = 40
RELEARN_SHARE = 0.002


class _Palette:
    """An adaptive palette: the P image Pillow quantizes with, and its colours (63, 3)."""

    def __init__(self, frame: Image.Image):
        learnt = frame.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MAXCOVERAGE)
        colours = learnt.getpalette()[: 3 * PALETTE_COLOURS]  # fewer for fewer colours
        colours += colours[:3] * (PALETTE_COLOURS - len(colours) // 3)  # unused: colour 0 again
        self.colours = np.array(colours, dtype=np.int16).reshape(PALETTE_COLOURS, 3)
        self.image = Image.new("P", (1, 1))  # what frames are quantized with: no CLEAR in it
        self.image.putpalette(colours)
        self.entries = [*colours, 255, 0, 255]  # the palette written: CLEAR's colour never shows

    def indices(self, pixels: np.ndarray) -> np.ndarray:
        """Nearest palette index of each pixel of ``pixels`` (h, w, 3) uint8, no dithering."""
        image = Image.fromarray(pixels)
        return np.array(image.quantize(palette=self.image, dither=Image.Dither.NONE))  # (h, w)

    def misses(self, pixels: np.ndarray, indices: np.ndarray) -> bool:
        """True when too many of ``pixels`` (n, 3) are far from their colours ``indices``."""
        error = np.abs(self.colours[indices] - pixels.astype(np.int16))  # (n, 3)
        far = (error[:, 0] > TOLERANCE) | (error[:, 1] > TOLERANCE) | (error[:, 2] > TOLERANCE)
        return int(far.sum()) > max(16, RELEARN_SHARE * len(pixels))


def _changed(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels whose RGB differs (three plane compares: no slow reduce on axis 2)."""
    differs = current != previous  # (H, W, 3)
    return differs[..., 0] | differs[..., 1] | differs[..., 2]


def _bounds(mask: np.ndarray) -> tuple[slice, slice]:
    """Rows and columns of the smallest rectangle holding every True of ``mask``."""
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    if rows.size == 0:  # nothing changed: one transparent pixel keeps the frame's delay
        return slice(0, 1), slice(0, 1)
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


class GifWriter:
    """Write RGB frames of one size to ``path`` as a looping GIF at ``fps``, one at a time.

    :meth:`add` each frame, in order, then :meth:`close` (or :meth:`abort`). The last frame is held
    :data:`HOLD_LAST_MS` longer, so it is kept until the next one (or the end) arrives.
    """

    def __init__(self, path: str | Path, fps: int):
        self.delay = round(1000 / fps)  # ms; GIF stores whole centiseconds
        self.file = open(path, "wb")  # noqa: SIM115 (closed by close())
        self.previous: np.ndarray | None = None  # (H, W, 3) the last frame added
        self.palette: _Palette | None = None  # the palette frames are drawn with now
        self.header_palette: _Palette | None = None  # the global one, learnt from frame 1
        self.pending: tuple[Image.Image, tuple[int, int], bool] | None = None

    def add(self, frame: Image.Image) -> None:
        pixels = np.asarray(frame.convert("RGB"))  # (H, W, 3) uint8
        if self.previous is None:
            self._start(frame)
        elif pixels.shape != self.previous.shape:
            size = self.previous.shape[1::-1]
            raise invalid("frames", frame, f"images of one size, {size[0]}x{size[1]} pixels")
        else:
            self._delta(frame, pixels)
        self.previous = pixels

    def abort(self) -> None:
        """Stop writing (an error or Ctrl-C in the caller): the file is left incomplete."""
        self.file.close()

    def close(self) -> None:
        """Write the last frame and the trailer: the GIF is complete."""
        if self.file.closed:
            return
        if self.previous is None:
            self.file.close()
            raise invalid("frames", [], "at least one frame")
        if self.pending is not None:
            self._flush(self.delay + HOLD_LAST_MS)
        self.file.write(b";")  # the GIF trailer
        self.file.close()

    def _start(self, frame: Image.Image) -> None:
        self.palette = self.header_palette = _Palette(frame)
        indexed = self._indexed(self.palette.indices(np.asarray(frame.convert("RGB"))))
        header, _ = GifImagePlugin.getheader(indexed, info={"loop": 0})
        self.file.write(b"".join(header))
        self.pending = (indexed, (0, 0), False)

    def _delta(self, frame: Image.Image, pixels: np.ndarray) -> None:
        """Queue the rectangle that changed, unchanged pixels in it transparent."""
        mask = _changed(pixels, self.previous)  # (H, W)
        rows, cols = _bounds(mask)
        region, kept = pixels[rows, cols], ~mask[rows, cols]  # (h, w, 3), (h, w)
        indices = self.palette.indices(region)
        if self.palette.misses(region[~kept], indices[~kept]):
            self.palette = _Palette(frame)  # a colour the palette cannot show: learn anew
            indices = self.palette.indices(region)
        indices[kept] = CLEAR
        self._flush(self.delay)
        local = self.palette is not self.header_palette  # then it travels with the frame
        self.pending = (self._indexed(indices), (cols.start, rows.start), local)

    def _indexed(self, indices: np.ndarray) -> Image.Image:
        image = Image.frombytes("P", indices.shape[::-1], indices.astype(np.uint8).tobytes())
        image.putpalette(self.palette.entries)
        return image

    def _flush(self, delay: int) -> None:
        """Encode the pending frame: disposal 1 keeps it under the next frame's clear pixels."""
        if self.pending is None:
            return
        image, offset, local = self.pending
        chunks = GifImagePlugin.getdata(
            image,
            (int(offset[0]), int(offset[1])),
            duration=delay,
            disposal=1,
            transparency=CLEAR,
            include_color_table=local,
        )
        self.file.write(b"".join(chunks))
        self.pending = None
