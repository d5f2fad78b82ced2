"""A static figure of one multi-channel convolution layer.

An ``H x W x C`` input, ``K`` kernels of ``k x k x C`` (each spans every input channel) and
the ``K`` feature maps they produce: the number of output channels is the number of
kernels. Every size comes from one :func:`convolab.shape.conv_geometry`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from convolab import shape
from convolab._args import as_int, as_tuple, invalid
from convolab._io import save_figure
from convolab.viz._frames import check_suffix, new_figure, render

MAX_CHANNELS = 16  # more slabs than this no longer read as a stack
DEPTH = 0.55  # offset between two stacked channels, in cells
MIN_WIDTH = 10.5  # inches: room for the two-line title
GAP = 5.0  # least number of cells between the input, the kernels and the outputs
CHANNEL_COLOURS = [
    "#e15759",
    "#59a14f",
    "#4e79a7",
    "#f28e2b",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]


@dataclass
class Picture:
    """A static figure and the sizes it shows (``info``)."""

    figure: Figure
    info: dict = field(default_factory=dict)

    @property
    def image(self):
        """The figure as an RGB PIL image."""
        return render(self.figure)

    def __repr__(self) -> str:
        width, height = self.figure.canvas.get_width_height()
        sizes = ", ".join(f"{k}={v}" for k, v in self.info.items())
        return f"Picture({width}x{height} px; {sizes})"

    def save(self, path: str | os.PathLike) -> Path:
        """Write a ``.png`` atomically; returns the path."""
        return save_figure(self.figure, check_suffix(path, (".png",)), format="png")


def _colour(index: int) -> str:
    return CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)]


def _stack(ax, x: float, y: float, rows: int, cols: int, colours: list[str]) -> float:
    """Slabs of ``rows x cols`` cells, the first at the back (up and right); returns the depth.

    The front slab, at ``(x, y)``, gets white cell lines when it has at most 16 cells a side.
    """
    depth = (len(colours) - 1) * DEPTH
    for i, colour in enumerate(colours):
        shift = depth - i * DEPTH
        x0, y0 = x + shift, y - shift  # the y axis points down: back slabs sit higher
        ax.add_patch(Rectangle((x0, y0), cols, rows, facecolor=colour, edgecolor="#333333", lw=0.9))
    if max(rows, cols) <= 16:
        for c in range(1, cols):
            ax.plot([x + c] * 2, [y, y + rows], color="white", lw=0.6)
        for r in range(1, rows):
            ax.plot([x, x + cols], [y + r] * 2, color="white", lw=0.6)
    return depth


def _header(ax, x: float, text: str) -> None:
    ax.text(x, -0.8, text, ha="center", va="bottom", fontsize=11, linespacing=1.4)


def _arrow(ax, start, end, colour: str) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=16,
            lw=1.6,
            color=colour,
            shrinkA=3,
            shrinkB=3,
        )
    )


def _kernel_row(ax, x: tuple[float, float], top: float, row: float, k, out, channels, i):
    """Kernel ``i`` (a ``k x k x C`` stack, outlined in its colour) -> its feature map."""
    (kx, ox), (kh, kw), (oh, ow) = x, k, out
    depth = (channels - 1) * DEPTH
    colour = _colour(channels + i)
    ky = top + (row - 1.5 - kh - depth) / 2 + depth
    _stack(ax, kx, ky, kh, kw, [_colour(c) for c in range(channels)])
    outline = Rectangle(
        (kx - 0.3, ky - depth - 0.3),
        kw + depth + 0.6,
        kh + depth + 0.6,
        fill=False,
        edgecolor=colour,
        lw=2.4,
    )
    ax.add_patch(outline)
    oy = top + (row - 1.5 - oh) / 2
    _stack(ax, ox, oy, oh, ow, [colour])
    _arrow(ax, (kx + kw + depth + 0.4, ky + kh / 2 - depth / 2), (ox - 0.2, oy + oh / 2), colour)
    ax.text(ox + ow + 0.6, oy + oh / 2, f"map {i + 1}", va="center", fontsize=10, color=colour)


def _draw(ax, size, channels: int, kernels: int, k, out) -> tuple[float, float]:
    """Input, then one row per kernel: kernel -> its feature map. Returns (width, height)."""
    (h, w), (kh, kw), (oh, ow) = size, k, out
    depth = (channels - 1) * DEPTH
    row = max(kh + depth, oh) + 1.5  # height of one kernel -> feature map row, in cells
    total = max(kernels * row - 1.5, h + depth)
    _stack(ax, 0, (total - h) / 2 + depth, h, w, [_colour(c) for c in range(channels)])
    gap = max(GAP, w / 2)  # the headers need room when the input is wide
    kx = w + depth + gap
    ox = kx + kw + depth + gap
    ax.text(kx - gap / 2, total / 2, "∗", ha="center", va="center", fontsize=24)
    for i in range(kernels):
        _kernel_row(ax, (kx, ox), i * row, row, k, out, channels, i)
    _header(ax, (w + depth) / 2, f"input\n{h} x {w} x {channels}\n({channels} channels)")
    _header(
        ax,
        kx + (kw + depth) / 2,
        f"{kernels} kernels\neach {kh} x {kw} x {channels}\n(all {channels} channels)",
    )
    _header(ax, ox + ow / 2 + 1, f"output\n{oh} x {ow} x {kernels}\n({kernels} feature maps)")
    return ox + ow + 3.5, total


def _fit(fig: Figure, ax, width: float, height: float) -> None:
    """Size the figure to the drawing (``width x height`` cells plus headers) and the title."""
    ax.set(xlim=(-1, width), ylim=(height + 0.8, -5.2), aspect="equal")
    ax.axis("off")
    cell = min(10.5 / (width + 1), 7.5 / (height + 5))  # inches per cell
    fig.set_size_inches(max((width + 1) * cell + 0.5, MIN_WIDTH), (height + 5) * cell + 1.1)
    fw, fh = fig.get_figwidth(), fig.get_figheight()
    ax.set_position((0.25 / fw, 0.1 / fh, 1 - 0.5 / fw, 1 - 1.1 / fh))


def _channel_counts(in_channels, out_channels) -> tuple[int, int]:
    """Both counts checked: ints from 1 to :data:`MAX_CHANNELS` (drawn as stacks)."""
    counts = []
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        count = as_int(value, name, minimum=1)
        if count > MAX_CHANNELS:
            raise invalid(name, count, f"an int from 1 to {MAX_CHANNELS} (drawn as a stack)")
        counts.append(count)
    return counts[0], counts[1]


def channels_figure(
    input_size=(8, 8),
    in_channels=3,
    out_channels=4,
    kernel_size=3,
    stride=1,
    padding=0,
    dilation=1,
    *,
    path=None,
) -> Picture:
    """Draw a multi-channel convolution layer: input, kernels, feature maps, to scale.

    Parameters
    ----------
    input_size : int or (int, int)
        ``H x W`` of the input; ``in_channels`` is its depth ``C`` (at most 16).
    out_channels : int
        ``K``, the number of kernels and so of feature maps (at most 16).
    kernel_size, stride, padding, dilation : int or (int, int)
        As in ``torch.nn.Conv2d``; the output size comes from
        :func:`convolab.shape.conv_geometry`.
    path : str or Path, optional
        Also write the figure there (``.png``).

    Returns
    -------
    Picture
        ``figure`` (Matplotlib) and ``info``: the input, kernel and output shapes.
    """
    size = as_tuple(input_size, 2, "input_size", minimum=1)
    kernel = as_tuple(kernel_size, 2, "kernel_size", minimum=1)
    channels, kernels = _channel_counts(in_channels, out_channels)
    geometry = shape.conv_geometry(size, kernel, stride, padding, dilation)
    out, lines = geometry.out, shape.explain_geometry(geometry)
    fig = new_figure(11, 5.6, dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    _fit(fig, ax, *_draw(ax, size, channels, kernels, kernel, out))
    fig.suptitle(
        f"Conv2d({channels}, {kernels}, kernel_size={kernel}, stride={stride}, "
        f"padding={padding!r}): the number of output channels is the number of "
        f"kernels ({kernels})\nrows: {lines[0]}     cols: {lines[1]}",
        fontsize=12,
        linespacing=1.6,
        y=1 - 0.08 / fig.get_figheight(),
        va="top",
    )
    info = {
        "input": (*size, channels),
        "kernels": kernels,
        "kernel": (*kernel, channels),
        "output": (*out, kernels),
    }
    picture = Picture(fig, info)
    if path is not None:
        picture.save(path)
    return picture
