"""The scene of the conv2d animation: three grids side by side, and how a frame is drawn.

Input, kernel and output grids are laid out left to right with the operator signs between
them and a legend below. A frame restores the saved background, draws what moves and
snapshots the figure; what a step finishes is committed to the background for later frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from convolab.viz._frames import Layers, new_figure
from convolab.viz._grids import COLOURS, Grid, cell_size, hull, legend

GAP = 2.5  # columns of empty space between two grids
MIN_WIDTH = 9.4  # inches: room for the title and the one-row legend
LABEL_INCHES = 0.25  # height of a grid's label (11 pt) and the gap above it


def _figure(grids: list[tuple[int, int]], title: str):
    """Figure and axes sized for ``grids`` (rows, cols) laid out left to right."""
    columns = sum(c for _, c in grids) + GAP * (len(grids) - 1)
    rows = max(r for r, _ in grids)
    cell = cell_size(columns, rows)
    head = 0.5 + LABEL_INCHES / cell  # cells above the grids: their labels and a margin
    x_span, y_span = columns + 0.6, rows + head + 0.3  # data units
    top, bottom, side = 1.15, 0.5, 0.3  # inches: two-line title and step line; legend
    width = max(x_span * cell + 2 * side, MIN_WIDTH)
    side = (width - x_span * cell) / 2
    height = y_span * cell + top + bottom
    fig = new_figure(width, height, dpi=90)
    ax = fig.add_axes(
        (side / width, bottom / height, x_span * cell / width, y_span * cell / height)
    )
    ax.set(xlim=(-0.3, columns + 0.3), ylim=(rows + 0.3, -head), aspect="equal")
    ax.axis("off")
    fig.suptitle(title, fontsize=11, y=1 - 0.06 / height, va="top", linespacing=1.5)
    return fig, ax, cell * 72 * 0.36  # fontsize of the numbers in the cells, in points


def _offsets(grids: list[tuple[int, int]]) -> list[float]:
    starts, x = [], 0.0
    for _, cols in grids:
        starts.append(x)
        x += cols + GAP
    return starts


def _signs(ax, grids, offsets, symbols) -> None:
    """The operator symbols between the grids (input * kernel -> output)."""
    middle = max(r for r, _ in grids) / 2
    for (_, cols), x0, symbol in zip(grids, offsets, symbols):
        ax.text(x0 + cols + GAP / 2, middle, symbol, ha="center", va="center", fontsize=20)


@dataclass
class Scene:
    """The three grids (input, kernel, output) and what every frame redraws."""

    fig: Figure
    grids: list[Grid]
    fontsize: float  # of the numbers in the cells
    box: Rectangle  # the dashed outline of the kernel's span
    caption: Text  # the line under the title: which step this is
    layers: Layers | None = None


def lay_out(title: str, panels, symbols, entries) -> Scene:
    """Lay out ``panels`` (rows, cols, label, base colours) left to right, with a legend."""
    shapes = [(rows, cols) for rows, cols, _, _ in panels]
    fig, ax, fontsize = _figure(shapes, title)
    offsets = _offsets(shapes)
    grids = [Grid(ax, r, c, x0, label, base) for (r, c, label, base), x0 in zip(panels, offsets)]
    _signs(ax, shapes, offsets[:-1], symbols)
    legend(fig, entries)
    return Scene(fig, grids, fontsize, hull(ax), ax.set_title("", fontsize=11))


class Scenes:
    """Fresh scenes for each drawing of the frames (frames paint into their scene as they go).

    The first scene is built at once, for the cells' pixel positions, and used by the first
    drawing; later drawings build their own.
    """

    def __init__(self, build):
        self.build, self.ready = build, build()

    def pixels(self) -> dict:
        inp, _, res = self.ready.grids
        return {"input_pixels": inp.pixels(), "output_pixels": res.pixels()}

    def take(self) -> Scene:
        scene, self.ready = self.ready, None
        return scene if scene is not None else self.build()


def tap_colours(on_padding: np.ndarray) -> np.ndarray:
    """Tap colour per cell: lighter where the cell is padding (or cropped away)."""
    return np.where(on_padding.ravel(), COLOURS["tap_padding"], COLOURS["tap"])


def draw_frame(layers: Layers, artists, grid: Grid, cells, colour: str):
    """Background, ``artists``, then ``cells`` of ``grid`` in ``colour``: one snapshot."""
    mark = grid.overlay(cells, colour)
    layers.restore()
    layers.draw(*artists, mark, *grid.texts_at(cells))
    mark.remove()
    return layers.snapshot()


def commit(layers: Layers, grid: Grid, cells, colour) -> None:
    """Paint ``cells`` of ``grid`` into the background for all later frames."""
    mark = grid.overlay(cells, colour)
    layers.restore()
    layers.draw(mark, *grid.texts_at(cells))
    mark.remove()
    layers.commit()
