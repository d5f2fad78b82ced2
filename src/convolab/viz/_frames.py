"""Frames: from a Matplotlib figure to an image, and from images to a GIF or an MP4.

Figures are drawn on a bare Agg canvas (no pyplot, no global backend switch), so the
animations work in scripts, notebooks and tests alike. An :class:`Animation` draws its frames
on demand and :meth:`Animation.save` streams them to the encoder (:mod:`convolab.viz._gif`,
:mod:`convolab.viz._mp4`) one at a time: memory does not grow with the number of frames.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from convolab._args import as_int, invalid
from convolab._io import atomic_path
from convolab.viz._gif import GifWriter
from convolab.viz._mp4 import Mp4Writer

SUFFIXES = (".gif", ".mp4")
MAX_GIF_FPS = 50  # a GIF stores delays in centiseconds: 2 cs is the shortest that plays


def new_figure(width: float, height: float, dpi: int = 100) -> Figure:
    """A Matplotlib figure on its own Agg canvas (``width``, ``height`` in inches)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def _snapshot(fig: Figure) -> Image.Image:
    rgba = np.asarray(fig.canvas.buffer_rgba())  # (H, W, 4) uint8
    return Image.fromarray(rgba[..., :3].copy())


def render(fig: Figure) -> Image.Image:
    """The whole figure as it looks now, as an RGB image."""
    fig.canvas.draw()
    return _snapshot(fig)


class Layers:
    """Matplotlib's blitting recipe, with a background that can grow.

    The figure is drawn once without its ``moving`` artists (axes, ticks and text are most of
    the drawing time) and saved. Each frame then restores the saved pixels, draws only what
    moves and takes a snapshot; :meth:`commit` saves what was drawn so far as the new
    background (for animations that accumulate, like an output grid filling in).
    """

    def __init__(self, fig: Figure, moving=()):
        for artist in moving:
            artist.set_animated(True)
        self.fig = fig
        fig.canvas.draw()
        self.commit()

    def restore(self) -> None:
        self.fig.canvas.restore_region(self.background)

    def draw(self, *artists) -> None:
        for artist in artists:
            self.fig.draw_artist(artist)

    def snapshot(self) -> Image.Image:
        return _snapshot(self.fig)

    def commit(self) -> None:
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)


def check_gif_fps(path, fps: int, name: str = "fps") -> None:
    """Refuse ``fps`` above :data:`MAX_GIF_FPS` when ``path`` is a ``.gif`` (else nothing)."""
    if path is not None and Path(path).suffix.lower() == ".gif" and fps > MAX_GIF_FPS:
        expected = f"at most {MAX_GIF_FPS} for a GIF (2 centiseconds per frame)"
        raise invalid(name, fps, expected)


def check_suffix(path, allowed=SUFFIXES) -> Path:
    """``path`` as a Path, if its suffix is one we can write."""
    out = Path(path)
    if out.suffix.lower() not in allowed:
        raise invalid("path", str(path), "a file name ending in " + " or ".join(allowed))
    return out


class Animation:
    """The frames of an animation, drawn on demand, and what each frame shows.

    Parameters
    ----------
    frames : list of PIL images, or a function returning an iterator of them
        A function is called again each time the frames are needed (:meth:`save`,
        :meth:`iter_frames`), so no more than one frame need be in memory at a time.
    metadata : list
        ``metadata[i]`` describes frame ``i`` (a :class:`SignalFrame`, :class:`ConvFrame` or
        :class:`ScatterFrame`); its length is the number of frames.
    fps : int
        Frames per second of a saved file.
    info : dict, optional
        What holds for every frame (the sizes, the formula in the title).
    """

    def __init__(
        self,
        frames: Iterable[Image.Image] | Callable[[], Iterator[Image.Image]],
        metadata: list,
        fps: int,
        info: dict | None = None,
    ):
        self._draw = frames if callable(frames) else None
        self._frames = None if callable(frames) else list(frames)
        self.metadata, self.fps, self.info = list(metadata), fps, dict(info or {})

    @property
    def frames(self) -> list[Image.Image]:
        """Every frame as an RGB PIL image, drawn on first use and then kept.

        Handy in a notebook (``animation.frames[k]`` shows frame ``k``); it holds all of
        them in memory (about 1 MB each), which :meth:`save` never needs.
        """
        if self._frames is None:
            self._frames = list(self._draw())
        return self._frames

    def iter_frames(self) -> Iterator[Image.Image]:
        """The frames one at a time, drawn as they are asked for (unless already kept)."""
        return iter(self._frames) if self._frames is not None else self._draw()

    def save(self, path: str | os.PathLike) -> Path:
        """Write a ``.gif`` (Pillow) or ``.mp4`` (ffmpeg) atomically, frame by frame.

        Returns the path. The file appears complete or not at all: an error or Ctrl-C while
        the frames are drawn leaves no partial file behind.
        """
        out = check_suffix(path)
        fps = as_int(self.fps, "fps", minimum=1)
        check_gif_fps(out, fps)
        writer = Mp4Writer if out.suffix.lower() == ".mp4" else GifWriter
        with atomic_path(out) as tmp:
            stream = writer(tmp, fps)
            try:
                for frame in self.iter_frames():
                    stream.add(frame)
            except BaseException:  # Ctrl-C included: stop the encoder, then atomic_path cleans
                stream.abort()
                raise
            stream.close()
        return out

    def __len__(self) -> int:
        return len(self.metadata)

    def __repr__(self) -> str:
        return f"Animation({len(self)} frames at {self.fps} fps)"
