"""What each frame of the conv2d animation shows, read from the engine's own windows.

A convolution's output cell ``(i, j)`` reads the input cells under its window. Rather than
re-deriving ``i * stride + a * dilation``, the cells come from
:func:`convolab.functional.sliding_windows` applied to a grid of cell indices (padding cells
hold -1), the very primitive the engine convolves with. A transposed convolution is the
adjoint: input cell ``(i, j)`` writes to the output cells that the forward convolution's
window ``(i, j)`` reads, so its scatter footprint is the same windowing of the output grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convolab import functional, shape
from convolab._args import as_tuple, invalid
from convolab.functional._windows import windows_of
from convolab.shape import Geometry

MAX_GRID = 32  # larger grids make cells too small to read; refused with this limit
PADDING = -1  # index of a padding cell in the index grids


@dataclass(frozen=True, eq=False)
class ConvFrame:
    """One step of a convolution: output cell ``output`` and the window it reads.

    ``cells[a, b]`` is the ``(row, col)`` on the padded input grid under kernel tap
    ``(a, b)``; ``inputs[a, b]`` is that input cell's index ``row * W + col`` in the
    unpadded input, or -1 for a padding cell.
    """

    output: tuple[int, int]
    cells: np.ndarray  # (kh, kw, 2) int, padded-grid coordinates
    inputs: np.ndarray  # (kh, kw) int, input indices, -1 on padding
    value: float | None = None  # the output value, when the animation shows numbers


@dataclass(frozen=True, eq=False)
class ScatterFrame:
    """One step of a transposed convolution: input cell ``input`` and the cells it writes.

    ``cells[a, b]`` is the ``(row, col)`` on the uncropped output grid written through kernel
    tap ``(a, b)``; ``outputs[a, b]`` is that output cell's index ``row * Wo + col``, or -1
    when the padding crops it away.
    """

    input: tuple[int, int]
    cells: np.ndarray  # (kh, kw, 2) int, uncropped output grid coordinates
    outputs: np.ndarray  # (kh, kw) int, output indices, -1 where cropped
    values: np.ndarray | None = None  # (Ho, Wo) partial sums after this input cell


def check_grid(size, name: str) -> None:
    """Refuse a grid with a side above :data:`MAX_GRID` cells."""
    if max(size) > MAX_GRID:
        shown = "x".join(str(v) for v in size)
        raise invalid(name, shown, f"at most {MAX_GRID}x{MAX_GRID} cells for a readable animation")


def _index_grid(size: tuple[int, int], pads) -> np.ndarray:
    """Cell indices ``row * W + col`` of a grid, padded with -1 by the engine's ``pad``."""
    ids = np.arange(size[0] * size[1]).reshape(1, 1, *size)  # (1, 1, H, W)
    (top, bottom), (left, right) = pads
    return functional.pad(ids, (left, right, top, bottom), value=PADDING)  # (1, 1, Hp, Wp)


def _windows(grid: np.ndarray, geometry: Geometry):
    """Windows of ``grid`` and of its coordinates: ``(oh, ow, kh, kw)`` and ``(..., 2)``."""
    rows, cols = np.indices(grid.shape[2:])  # (Hp, Wp) each
    coords = np.stack([rows, cols])[:, None]  # (2, 1, Hp, Wp): two channels, row and col
    ids = windows_of(grid, geometry)[0, 0]  # (oh, ow, kh, kw)
    where = windows_of(coords, geometry)[:, 0]  # (2, oh, ow, kh, kw)
    return ids, np.moveaxis(where, 0, -1)  # (oh, ow, kh, kw), (oh, ow, kh, kw, 2)


def conv_steps(size, kernel_size, stride=1, padding=0, dilation=1) -> list[ConvFrame]:
    """One :class:`ConvFrame` per output cell, row by row, for a 2-D convolution.

    ``padding`` is any form :func:`convolab.shape.conv_geometry` accepts ('same' too).
    """
    size = as_tuple(size, 2, "size", minimum=1)
    return geometry_steps(shape.conv_geometry(size, kernel_size, stride, padding, dilation))


def geometry_steps(geometry: Geometry) -> list[ConvFrame]:
    """:func:`conv_steps` of a checked convolution geometry."""
    ids, where = _windows(_index_grid(geometry.size, geometry.pads), geometry)
    (oh, ow) = geometry.out
    return [ConvFrame((i, j), where[i, j], ids[i, j]) for i in range(oh) for j in range(ow)]


def transpose_steps(size, kernel_size, stride=1, padding=0, dilation=1) -> list[ScatterFrame]:
    """One :class:`ScatterFrame` per input cell, row by row, for a 2-D transposed convolution.

    ``padding`` (int or one int per dimension) crops the output, as in PyTorch.
    """
    size = as_tuple(size, 2, "size", minimum=1)
    pad = as_tuple(padding, 2, "padding", minimum=0)
    return scatter_steps(shape.transpose_geometry(size, kernel_size, stride, pad, 0, dilation))


def scatter_steps(geometry: Geometry) -> list[ScatterFrame]:
    """:func:`transpose_steps` of a checked transposed-convolution geometry: the windows of
    the convolution it is the adjoint of (:meth:`~convolab.shape.Geometry.as_conv`) on the
    uncropped output grid."""
    adjoint = geometry.as_conv()
    ids, where = _windows(_index_grid(adjoint.size, adjoint.pads), adjoint)
    (h, w) = geometry.size
    return [ScatterFrame((i, j), where[i, j], ids[i, j]) for i in range(h) for j in range(w)]
