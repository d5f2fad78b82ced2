"""Frames: from a Matplotlib figure to an image, and from images to a GIF or an MP4.

Figures are drawn on a bare Agg canvas (no pyplot, no global backend switch), so the
animations work in scripts, notebooks and tests alike. GIFs share one palette built from a
few frames and are written without dithering: flat plot colours then compress to a few
kilobytes per frame.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from convolab._args import as_int, invalid
from convolab._io import atomic_path

PALETTE_COLOURS = 63  # plenty for flat plot colours plus their anti-aliased edges
CLEAR = PALETTE_COLOURS  # the 64th palette entry: transparent, "unchanged since last frame"
HOLD_LAST_MS = 1500  # the finished picture stays up a moment before the loop restarts
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


def _shared_palette(frames: list[Image.Image]) -> Image.Image:
    """One adaptive palette for the whole animation, learnt from first, middle and last frame."""
    picks = [frames[0], frames[len(frames) // 2], frames[-1]]
    width, height = picks[0].size
    strip = Image.new("RGB", (width, height * len(picks)))
    for i, frame in enumerate(picks):
        strip.paste(frame, (0, i * height))
    return strip.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MAXCOVERAGE)


def _deltas(frames: list[Image.Image], palette: Image.Image):
    """Indexed frames; from the second on, pixels unchanged since the previous one are clear.

    This is what Pillow's ``optimize`` does for GIFs, in NumPy: it is the part that makes a
    GIF of mostly still frames small, and Pillow's own loop over pixels is slow.
    """
    colours = palette.getpalette()[: 3 * PALETTE_COLOURS]
    colours += [0] * (3 * PALETTE_COLOURS - len(colours)) + [255, 0, 255]  # CLEAR, never shown
    previous = None
    for frame in frames:
        current = np.asarray(frame.quantize(palette=palette, dither=Image.Dither.NONE))  # (H, W)
        shown = current if previous is None else np.where(current == previous, CLEAR, current)
        previous = current
        image = Image.frombytes("P", frame.size, shown.astype(np.uint8).tobytes())
        image.putpalette(colours)
        yield image


def write_gif(frames: list[Image.Image], path: Path, fps: int) -> None:
    """Write ``frames`` as a looping GIF at ``fps`` frames per second."""
    durations = [round(1000 / fps)] * len(frames)
    durations[-1] += HOLD_LAST_MS
    indexed = _deltas(frames, _shared_palette(frames))
    first = next(indexed)
    # disposal 1 keeps each frame under the next, so the clear pixels show the previous one
    first.save(
        path,
        format="GIF",
        save_all=True,
        append_images=indexed,
        duration=durations,
        loop=0,
        transparency=CLEAR,
        disposal=1,
        optimize=False,
    )


def write_mp4(frames: list[Image.Image], path: Path, fps: int) -> None:
    """Write ``frames`` as an H.264 MP4 through the ``ffmpeg`` program (which must be on PATH)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise invalid("path", str(path), "a .gif file: writing .mp4 needs ffmpeg on PATH")
    width, height = frames[0].size
    command = [
        ffmpeg,
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{width}x{height}",
        "-r",
        str(fps),
        "-i",
        "-",
        # yuv420p needs even sizes; the pad filter adds at most one white pixel
        "-vf",
        "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=white",
        "-pix_fmt",
        "yuv420p",
        "-vcodec",
        "libx264",
        "-f",
        "mp4",
        str(path),
    ]
    data = b"".join(frame.tobytes() for frame in frames)
    subprocess.run(command, input=data, check=True, capture_output=True)


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


@dataclass
class Animation:
    """Frames of an animation and what each frame shows.

    ``frames`` are RGB PIL images; ``metadata[i]`` describes ``frames[i]`` (a
    :class:`SignalFrame`, :class:`ConvFrame` or :class:`ScatterFrame`); ``info`` holds what
    holds for every frame (the sizes, the formula in the title).
    """

    frames: list[Image.Image]
    metadata: list
    fps: int
    info: dict = field(default_factory=dict)

    def save(self, path: str | os.PathLike) -> Path:
        """Write a ``.gif`` (Pillow) or ``.mp4`` (ffmpeg) atomically; returns the path."""
        out = check_suffix(path)
        fps = as_int(self.fps, "fps", minimum=1)
        check_gif_fps(out, fps)
        writer = write_mp4 if out.suffix.lower() == ".mp4" else write_gif
        with atomic_path(out) as tmp:
            writer(self.frames, tmp, fps)
        return out

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        width, height = self.frames[0].size if self.frames else (0, 0)
        return f"Animation({len(self.frames)} frames of {width}x{height} px at {self.fps} fps)"
