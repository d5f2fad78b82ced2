"""The conv2d animation: a kernel's footprint stepping over the input, the output filling in.

Each frame is one output cell (one input cell for the transposed convolution). The cells
highlighted come from :mod:`convolab.viz._steps` (the engine's ``sliding_windows``); the
numbers from :func:`convolab.functional.conv2d` and ``conv_transpose2d``; the sizes and the
formula in the title from :mod:`convolab.shape`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from convolab import functional, shape
from convolab._args import as_int, as_tuple
from convolab.viz._frames import Animation, Layers, check_gif_fps
from convolab.viz._grids import COLOURS, fit_hull, number_text
from convolab.viz._scene import Scene, Scenes, commit, draw_frame, lay_out, tap_colours
from convolab.viz._steps import PADDING, check_grid, geometry_steps, scatter_steps

FPS = 3  # one output cell every third of a second
CONV_LEGEND = [
    ("cell", "input cell"),
    ("padding", "padding (zeros)"),
    ("tap", "under the kernel now"),
    ("done", "output computed"),
    ("current", "output of this step"),
]
SCATTER_LEGEND = [
    ("current", "input cell of this step"),
    ("visited", "input cells done"),
    ("tap", "written now"),
    ("done", "written before"),
    ("padding", "cropped by padding"),
]


def _operands(size, kernel, seed: int):
    """Small integers, so the sums can be checked by eye: input 0..9, kernel -1..1."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, size).astype(float)  # (H, W)
    w = rng.integers(-1, 2, kernel).astype(float)  # (kh, kw)
    return x, w


def _title(geometry, stride, padding, dilation) -> str:
    """The title: the call as given, the output size and the formula per axis."""
    name = "conv2d" if geometry.kind == "conv" else "conv_transpose2d"
    lines = shape.explain_geometry(geometry)
    size, kernel, out = geometry.size, geometry.kernel, geometry.out
    text = (
        f"{name}: input {size[0]}x{size[1]}, kernel {kernel[0]}x{kernel[1]}, stride "
        f"{_short(stride)}, padding {_short(padding)}, dilation {_short(dilation)}  →  "
        f"output {out[0]}x{out[1]}"
    )
    return text + f"\nrows: {lines[0]}      cols: {lines[1]}"


def _short(value):
    """``(2, 2)`` as ``2``; anything else (``(2, 1)``, ``'same'``, pairs) as it is."""
    if isinstance(value, tuple) and len(set(value)) == 1 and isinstance(value[0], int):
        return value[0]
    return value


def _conv_scene(steps, size, pads, kernel, w, numbers, title: str) -> Scene:
    """The scene of a convolution; ``numbers`` is ``(padded input, output)`` or None."""
    padded = (size[0] + sum(pads[0]), size[1] + sum(pads[1]))
    out = (steps[-1].output[0] + 1, steps[-1].output[1] + 1)
    is_pad = functional.pad(np.zeros(size, bool), _torch_pad(pads), value=True)  # (Hp, Wp)
    grown = f", padded to {padded[0]}x{padded[1]}" if padded != size else ""
    scene = lay_out(
        title,
        [
            (
                *padded,
                f"input {size[0]}x{size[1]}{grown}",
                np.where(is_pad, COLOURS["padding"], COLOURS["cell"]),
            ),
            (*kernel, f"kernel {kernel[0]}x{kernel[1]}", np.full(kernel, COLOURS["kernel"])),
            (*out, f"output {out[0]}x{out[1]}", np.full(out, COLOURS["cell"])),
        ],
        ["∗", "="],
        CONV_LEGEND,
    )
    inp, ker, res = scene.grids
    if numbers is not None:
        inp.write(numbers[0], scene.fontsize, colour="#333333")
        ker.write(w, scene.fontsize)
        res.write(numbers[1], scene.fontsize, animated=True)
    scene.layers = Layers(scene.fig, [scene.box, scene.caption])
    return scene


def _conv_frames(steps, *scene_args):
    """One image per :class:`ConvFrame`, drawn on demand; and the cells' pixel positions."""
    scenes = Scenes(lambda: _conv_scene(steps, *scene_args))

    def draw():
        scene = scenes.take()
        for k, step in enumerate(steps):
            yield _convdraw_frame(scene, step, f"step {k + 1} of {len(steps)}")

    return draw, scenes.pixels()


def _convdraw_frame(scene: Scene, step, counter: str):
    """One convolution frame: the taps on the input, the output cell; then commit the cell."""
    inp, _, res = scene.grids
    taps = inp.overlay(step.cells, tap_colours(step.inputs == PADDING))
    fit_hull(scene.box, inp, step.cells)
    note = "" if step.value is None else f" = Σ kernel × window = {step.value:g}"
    scene.caption.set_text(f"{counter}: output cell {step.output}{note}")
    moving = [taps, *inp.texts_at(step.cells), scene.box, scene.caption]
    image = draw_frame(scene.layers, moving, res, [step.output], COLOURS["current"])
    taps.remove()
    commit(scene.layers, res, [step.output], COLOURS["done"])
    return image


def _torch_pad(pads) -> tuple[int, int, int, int]:
    """``((top, bottom), (left, right))`` as torch's ``(left, right, top, bottom)``."""
    (top, bottom), (left, right) = pads
    return (left, right, top, bottom)


def _animate_conv(size, kernel, stride, padding, dilation, values: bool, seed: int):
    geometry = shape.conv_geometry(size, kernel, stride, padding, dilation)
    steps = geometry_steps(geometry)
    pads, out = geometry.pads, geometry.out
    check_grid(geometry.padded, "padded input")
    x, w = _operands(size, kernel, seed)
    xp = functional.pad(x[None, None], _torch_pad(pads))  # (1, 1, Hp, Wp)
    y = functional.conv2d(xp, w[None, None], stride=geometry.stride,
                          dilation=geometry.dilation)[0, 0]  # (oh, ow)  # fmt: skip
    if values:
        steps = [replace(step, value=float(y[step.output])) for step in steps]
    title = _title(geometry, stride, padding, dilation)
    numbers = (xp[0, 0], y) if values else None
    draw, pixels = _conv_frames(steps, size, pads, kernel, w, numbers, title)
    info = {
        "input_size": size,
        "output_size": out,
        "padding": pads,
        "title": title,
        "input": x,
        "weight": w,
        "output": y,
        **pixels,
    }
    return draw, steps, info


def _scatter_scene(full, size, pad, kernel, x, w, values: bool, title: str) -> Scene:
    """The scene of a transposed convolution (``full``: its uncropped output size), numbers
    written when ``values``."""
    out = (full[0] - 2 * pad[0], full[1] - 2 * pad[1])
    inside = np.zeros(full, bool)
    inside[pad[0] : full[0] - pad[0], pad[1] : full[1] - pad[1]] = True  # (Hf, Wf)
    cropped = f", {full[0]}x{full[1]} before cropping" if full != out else ""
    scene = lay_out(
        title,
        [
            (*size, f"input {size[0]}x{size[1]}", np.full(size, COLOURS["cell"])),
            (*kernel, f"kernel {kernel[0]}x{kernel[1]}", np.full(kernel, COLOURS["kernel"])),
            (
                *full,
                f"output {out[0]}x{out[1]}{cropped}",
                np.where(inside, COLOURS["cell"], COLOURS["padding"]),
            ),
        ],
        ["∗ᵀ", "="],
        SCATTER_LEGEND,
    )
    inp, ker, res = scene.grids
    if values:
        inp.write(x, scene.fontsize)
        ker.write(w, scene.fontsize)
        res.write(np.zeros(full), scene.fontsize, animated=True)  # texts set per step
    scene.layers = Layers(scene.fig, [scene.box, scene.caption])
    return scene


def _scatter_frames(steps, full, size, pad, kernel, x, w, partials, title: str):
    """One image per :class:`ScatterFrame`, drawn on demand; ``partials[k]``: sums after k."""
    args = (full, size, pad, kernel, x, w, partials is not None, title)
    scenes = Scenes(lambda: _scatter_scene(*args))

    def draw():
        scene = scenes.take()
        for k, step in enumerate(steps):
            sums = None if partials is None else np.pad(partials[k], [(p, p) for p in pad])
            yield _scatterdraw_frame(scene, step, f"step {k + 1} of {len(steps)}", sums)

    return draw, scenes.pixels()


def _scatterdraw_frame(scene: Scene, step, counter: str, sums):
    """One transposed frame: the input cell, the cells it writes (with the new ``sums``)."""
    inp, _, res = scene.grids
    kept = step.cells[step.outputs != PADDING]  # (n, 2) taps inside the output
    for r, c in kept if sums is not None else ():
        res.texts[r, c].set_text(number_text(sums[r, c]))
    taps = res.overlay(step.cells, tap_colours(step.outputs == PADDING))
    fit_hull(scene.box, res, step.cells)
    scene.caption.set_text(f"{counter}: input cell {step.input} scatters kernel × x{step.input}")
    moving = [taps, *res.texts_at(kept), scene.box, scene.caption]
    image = draw_frame(scene.layers, moving, inp, [step.input], COLOURS["current"])
    taps.remove()
    commit(scene.layers, inp, [step.input], COLOURS["visited"])
    commit(scene.layers, res, kept, COLOURS["done"])
    return image


def _animate_transpose(size, kernel, stride, padding, dilation, values: bool, seed: int):
    pad = as_tuple(padding, 2, "padding", minimum=0)
    geometry = shape.transpose_geometry(size, kernel, stride, pad, 0, dilation)
    steps = scatter_steps(geometry)
    out = geometry.out
    check_grid(geometry.padded, "output")
    x, w = _operands(size, kernel, seed)
    masks = np.tril(np.ones((len(steps), len(steps)))).reshape(-1, 1, *size)  # (S, 1, H, W)
    y = functional.conv_transpose2d(
        masks * x, w[None, None], stride=stride, padding=pad, dilation=dilation
    )[:, 0]  # (S, Ho, Wo): sums after step k
    if values:
        steps = [replace(step, values=y[k]) for k, step in enumerate(steps)]
    title = _title(geometry, stride, padding, dilation)
    draw, pixels = _scatter_frames(steps, geometry.padded, size, pad, kernel, x, w,
                                   y if values else None, title)  # fmt: skip
    info = {
        "input_size": size,
        "output_size": out,
        "padding": pad,
        "title": title,
        "input": x,
        "weight": w,
        "output": y[-1],
        **pixels,
    }
    return draw, steps, info


def animate_conv2d(
    input_size=(9, 14),
    kernel_size=(5, 5),
    stride=1,
    padding=0,
    dilation=1,
    *,
    transposed=False,
    values=False,
    path=None,
    fps=FPS,
    seed=0,
):
    """Animate a 2-D convolution cell by cell (or a transposed one, input cell by input cell).

    Parameters
    ----------
    input_size, kernel_size : int or (int, int)
        Grid sizes; the padded input and the output are limited to 32 x 32 cells.
    stride, padding, dilation : int or (int, int)
        As in ``torch.nn.functional.conv2d``; ``padding`` may also be per-side pairs or
        'same' (not for ``transposed``, where padding crops the output).
    transposed : bool
        Show ``conv_transpose2d``: each input cell scatters ``x * kernel`` into the output.
    values : bool
        Write the numbers (random small integers, seeded by ``seed``) and the sums, computed
        by :func:`convolab.functional.conv2d` / ``conv_transpose2d``.
    path : str or Path, optional
        Also write the animation there (``.gif``, or ``.mp4`` when ffmpeg is on PATH).

    Returns
    -------
    Animation
        One frame per output cell (per input cell when ``transposed``); ``metadata`` holds
        the matching :class:`ConvFrame` (or :class:`ScatterFrame`) list: the cells each frame
        highlights, read from the engine's ``sliding_windows``.
    """
    size = as_tuple(input_size, 2, "input_size", minimum=1)
    kernel = as_tuple(kernel_size, 2, "kernel_size", minimum=1)
    stride = as_tuple(stride, 2, "stride", minimum=1)
    dilation = as_tuple(dilation, 2, "dilation", minimum=1)
    fps = as_int(fps, "fps", minimum=1)
    seed = as_int(seed, "seed", minimum=0)
    check_gif_fps(path, fps)  # before any drawing
    check_grid(size, "input_size")
    make = _animate_transpose if transposed else _animate_conv
    draw, steps, info = make(size, kernel, stride, padding, dilation, bool(values), seed)
    animation = Animation(draw, steps, fps, info)
    if path is not None:
        animation.save(path)
    return animation
