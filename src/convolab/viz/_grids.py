"""Drawing cell grids side by side on one Matplotlib axes, in cell units.

Cell ``(row, col)`` of a grid placed at column offset ``x0`` covers
``[x0 + col, x0 + col + 1] x [row, row + 1]``; the y axis points down, like array rows.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.patches import Patch, Rectangle

COLOURS = {
    "cell": "#ffffff",  # an input or output cell not involved yet
    "padding": "#cfd4da",  # padding cells (zeros) / output cells cropped by padding
    "tap": "#ff8c00",  # a cell under a kernel tap at this step
    "tap_padding": "#ffc680",  # a padding cell under a kernel tap
    "current": "#9b5de5",  # the output (or input) cell of this step: purple, not the tap orange
    "done": "#8fd19e",  # output cells already computed / written
    "visited": "#a9c8ef",  # input cells already scattered (transposed)
    "kernel": "#ffd9a8",  # the kernel's own cells
    "edge": "#7a7a7a",
    "hull": "#b35900",  # outline of the dilated kernel's span
}


class Grid:
    """A ``rows x cols`` grid of squares at column offset ``x0``, in its base colours.

    Frames do not repaint the grid: they draw small overlays of coloured squares over it
    (:meth:`overlay`), then the numbers of those cells again on top (:meth:`texts_at`).
    """

    def __init__(self, ax, rows: int, cols: int, x0: float, label: str, colours: np.ndarray):
        self.rows, self.cols, self.x0, self.ax = rows, cols, x0, ax
        self.patches = self._squares(
            np.indices((rows, cols)).reshape(2, -1).T, list(colours.ravel())
        )
        ax.text(x0 + cols / 2, -0.4, label, ha="center", va="bottom", fontsize=11)
        self.texts = np.full((rows, cols), None, dtype=object)  # Text artists, where written

    def _squares(self, cells: np.ndarray, colours, **kwargs) -> PatchCollection:
        squares = [Rectangle((self.x0 + c, r), 1, 1) for r, c in cells]
        patches = PatchCollection(
            squares, facecolor=colours, edgecolor=COLOURS["edge"], linewidth=0.8, **kwargs
        )
        self.ax.add_collection(patches)
        return patches

    def overlay(self, cells, colours) -> PatchCollection:
        """Squares over ``cells`` (``(n, 2)`` rows and cols), drawn only when asked."""
        return self._squares(np.asarray(cells).reshape(-1, 2), colours, animated=True)

    def texts_at(self, cells) -> list:
        """The number artists of ``cells`` (``(n, 2)``), to draw again over an overlay."""
        return [
            self.texts[r, c]
            for r, c in np.asarray(cells).reshape(-1, 2)
            if self.texts[r, c] is not None
        ]

    def centre(self, row: float, col: float) -> tuple[float, float]:
        return self.x0 + col + 0.5, row + 0.5

    def pixels(self) -> np.ndarray:
        """``(rows, cols, 2)`` pixel ``(x, y)`` of each cell centre in the rendered image."""
        rows, cols = np.indices((self.rows, self.cols))  # (rows, cols) each
        points = np.stack([self.x0 + cols + 0.5, rows + 0.5], axis=-1).reshape(-1, 2)
        x, y = self.ax.transData.transform(points).T  # display units, origin bottom-left
        height = self.ax.figure.canvas.get_width_height()[1]
        return np.stack([x, height - y], axis=-1).reshape(self.rows, self.cols, 2)

    def write(self, values: np.ndarray, fontsize: float, animated=False, colour="black"):
        """Put a number in every cell (``animated``: drawn only when asked)."""
        for (r, c), v in np.ndenumerate(values):
            self.texts[r, c] = self.ax.text(
                *self.centre(r, c),
                number_text(float(v)),
                ha="center",
                va="center",
                fontsize=fontsize,
                color=colour,
                animated=animated,
            )


def number_text(value: float) -> str:
    """An integer without decimals (FFT round-off aside), anything else with one."""
    nearest = round(value)
    return str(int(nearest)) if abs(value - nearest) < 1e-6 else f"{value:.1f}"


def hull(ax) -> Rectangle:
    """The dashed outline drawn around a kernel's dilated span (moved each frame)."""
    box = Rectangle(
        (0, 0), 1, 1, fill=False, edgecolor=COLOURS["hull"], linewidth=2.2, linestyle="--"
    )
    ax.add_patch(box)
    return box


def fit_hull(box: Rectangle, grid: Grid, cells: np.ndarray) -> None:
    """Move ``box`` around the cells ``(..., 2)`` of ``grid`` (row, col coordinates)."""
    rows, cols = cells[..., 0], cells[..., 1]
    box.set_xy((grid.x0 + cols.min() - 0.12, rows.min() - 0.12))
    box.set_width(cols.max() - cols.min() + 1.24)
    box.set_height(rows.max() - rows.min() + 1.24)


def legend(fig, entries: list[tuple[str, str]]) -> None:
    """A one-row legend of colour swatches along the bottom of the figure."""
    handles = [Patch(facecolor=COLOURS[key], edgecolor=COLOURS["edge"]) for key, _ in entries]
    fig.legend(
        handles,
        [text for _, text in entries],
        loc="lower center",
        ncols=len(entries),
        fontsize=10,
        frameon=False,
        handlelength=1.4,
        columnspacing=1.4,
    )


def cell_size(columns: int, rows: int) -> float:
    """Inches per cell so that the whole figure stays about 11 x 6 inches at most."""
    return min(0.42, 11.0 / columns, 5.0 / rows)
