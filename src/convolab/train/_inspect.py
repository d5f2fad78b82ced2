"""What a network learned to look for: its first-layer kernels and its feature maps."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from convolab._args import invalid
from convolab._io import save_figure
from convolab.train._plots import _figure

# At most this many maps per feature-map figure (the strongest ones are shown).
MAX_MAPS = 64


def _convs(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    convs = [(n, m) for n, m in model.named_modules() if isinstance(m, torch.nn.Conv2d)]
    if not convs:
        raise invalid("model", type(model).__name__, "a model with a Conv2d layer to inspect")
    return convs


def first_layer_filters(model: torch.nn.Module) -> np.ndarray:
    """Kernels of the first ``Conv2d``, shape (out_channels, in_channels, kh, kw)."""
    return _convs(model)[0][1].weight.detach().float().cpu().numpy()


@torch.no_grad()
def feature_maps(model: torch.nn.Module, x: torch.Tensor) -> dict[str, np.ndarray]:
    """Output of every ``Conv2d`` for one input ``x`` (1, C, H, W): name -> (C', H', W')."""
    maps, hooks = {}, []
    for name, conv in _convs(model):

        def keep(_module, _inputs, output, name=name):
            maps[name] = output[0].detach().float().cpu().numpy()  # (C', H', W')

        hooks.append(conv.register_forward_hook(keep))
    was_training = model.training
    try:
        model.eval()(x.to(next(model.parameters()).device))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    return maps


def _grid(count: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(count * 1.5))
    return math.ceil(count / cols), cols


def plot_filters(weights: np.ndarray, title: str = "first-layer filters"):
    """Kernels (O, I, kh, kw) as a grid: RGB for 3 input channels, else a diverging map."""
    rows, cols = _grid(len(weights))
    fig, axes = _figure(
        rows, cols, figsize=(1.3 * cols + 1, 1.3 * rows + 0.8), squeeze=False, layout="constrained"
    )
    bound = float(np.abs(weights).max()) or 1.0
    for ax, (index, kernel) in zip(axes.flat, enumerate(weights)):
        if kernel.shape[0] == 3:  # (3, kh, kw) -> (kh, kw, 3) scaled to [0, 1]
            ax.imshow((kernel.transpose(1, 2, 0) / bound + 1) / 2, interpolation="nearest")
        else:
            image = ax.imshow(
                kernel.mean(0), cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest"
            )
        ax.set_title(str(index), fontsize=8)
    for ax in axes.flat:
        ax.set_axis_off()
    if weights.shape[1] != 3:
        fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    kh, kw = weights.shape[2:]
    fig.suptitle(f"{title}: {len(weights)} kernels of {kh}x{kw} (red +, blue -)")
    return fig


def _plot_vector(values: np.ndarray, title: str):
    """Maps of 1x1 (a vector per channel) drawn as one bar per channel."""
    fig, ax = _figure(figsize=(8, 3), layout="constrained")
    ax.bar(range(len(values)), values, color=np.where(values >= 0, "tab:red", "tab:blue"))
    ax.set(xlabel="channel", ylabel="activation")
    ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"{title}\n{len(values)} maps of 1x1, one bar each", fontsize=10)
    return fig


def plot_feature_maps(maps: np.ndarray, title: str = "feature maps"):
    """Activation maps (C, H, W) as a grid, each on its own colour scale (strongest first).

    Maps of a single pixel are drawn as a bar chart, one bar per channel.
    """
    if maps.shape[1] * maps.shape[2] == 1:
        return _plot_vector(maps.reshape(-1), title)
    order = np.argsort(-np.abs(maps).reshape(len(maps), -1).max(1))[:MAX_MAPS]
    rows, cols = _grid(len(order))
    fig, axes = _figure(
        rows,
        cols,
        figsize=(max(1.4 * cols, 5), 1.4 * rows + 0.8),
        squeeze=False,
        layout="constrained",
    )
    for ax, index in zip(axes.flat, order):
        ax.imshow(maps[index], cmap="viridis", interpolation="nearest")
        ax.set_title(f"#{index}", fontsize=7)
    for ax in axes.flat:
        ax.set_axis_off()
    shown = f"{len(order)} strongest of {len(maps)}" if len(order) < len(maps) else len(maps)
    fig.suptitle(
        f"{title}\n{shown} maps of {maps.shape[1]}x{maps.shape[2]}, each scaled "
        f"to its own range (yellow = high)",
        fontsize=10,
    )
    return fig


def plot_input(image: np.ndarray, x: torch.Tensor, label: str = ""):
    """The image (H, W, C) uint8 beside the model's normalised input x (1, C, H', W')."""
    fig, axes = _figure(1, 2, figsize=(6, 3.4), layout="constrained")
    seen = x[0].detach().float().cpu().numpy()  # (C, H', W')
    for ax, (pixels, name) in zip(
        axes, ((image, "image"), (seen.transpose(1, 2, 0), "model input (normalised)"))
    ):
        gray = pixels.shape[-1] == 1
        shown = pixels[..., 0] if gray else (pixels - pixels.min()) / np.ptp(pixels)
        ax.imshow(shown, cmap="gray" if gray else None, interpolation="nearest")
        ax.set_title(f"{name}, {pixels.shape[0]}x{pixels.shape[1]}", fontsize=9)
        ax.set_axis_off()
    fig.suptitle(label or "input", fontsize=10)
    return fig


def _save(fig, path: Path) -> Path:
    return save_figure(fig, path, dpi=110)


def inspect_model(
    model: torch.nn.Module,
    x: torch.Tensor,
    out_dir: str | Path,
    image: np.ndarray | None = None,
    label: str = "",
) -> list[Path]:
    """Write ``filters.png`` and ``maps_<layer>.png`` for every conv layer into ``out_dir``.

    ``x`` is the model input (1, C, H, W); ``image`` (H, W, C) uint8, when given, is drawn
    as ``input.png``. Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [_save(plot_filters(first_layer_filters(model)), out / "filters.png")]
    if image is not None:
        written.append(_save(plot_input(image, x, label), out / "input.png"))
    for name, maps in feature_maps(model, x).items():
        written.append(
            _save(
                plot_feature_maps(maps, f"{name} {label}".strip()),
                out / f"maps_{name.replace('.', '_')}.png",
            )
        )
    return written
