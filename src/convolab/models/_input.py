"""The smallest input a model accepts, from convolab.shape's geometry, and the check every model
runs.

Without the check, AlexNet on a 32x32 image fails deep inside with "Output size is too
small"; with it, the user reads the minimum size at the model's entry.
"""

from __future__ import annotations

from torch import Tensor, nn

from convolab import shape
from convolab._args import invalid
from convolab.nn import Conv2dSame

# Above this the search stops: no model of the zoo needs an input anywhere near it.
_MAX_SEARCH = 1 << 14


def _window_layers(model: nn.Module) -> list[nn.Module]:
    """Convolutions and poolings of the main path, in order.

    Residual projections (``downsample``) run beside a block's main path and give the same
    size, so they are left out; adaptive poolings accept any size and are left out too.
    """
    kinds = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
    return [
        module
        for name, module in model.named_modules()
        if isinstance(module, kinds) and "downsample" not in name.split(".")
    ]


def _pair(value, dim: int) -> int:
    return value[dim] if isinstance(value, tuple) else value


def _output_size(layer: nn.Module, size: int, dim: int) -> int:
    """Output size of one layer along ``dim``; ValueError when its window does not fit."""
    k, s = _pair(layer.kernel_size, dim), _pair(layer.stride, dim)
    if isinstance(layer, nn.Conv2d):
        padding = layer.padding if isinstance(layer.padding, str) else layer.padding[dim]
        if isinstance(layer, Conv2dSame):  # TensorFlow 'SAME', static or per call
            padding = "same"
        return shape.conv_geometry(size, k, s, padding, layer.dilation[dim]).out[0]
    dilation = _pair(getattr(layer, "dilation", 1), dim)
    padding = _pair(layer.padding, dim)
    return shape.pool_geometry(size, k, s, padding, dilation, layer.ceil_mode).out[0]


def _fits(layers: list[nn.Module], size: int, dim: int) -> bool:
    try:
        for layer in layers:
            size = _output_size(layer, size, dim)
    except ValueError:
        return False
    return True


def min_input_size(model: nn.Module) -> tuple[int, int]:
    """Smallest ``(H, W)`` for which every convolution and pooling of ``model`` has an output.

    Binary search over the size, each candidate checked layer by layer with
    :func:`convolab.shape.conv_geometry` and :func:`convolab.shape.pool_geometry`
    (the output size never decreases when the input grows, so the search is exact).
    """
    layers = _window_layers(model)
    result = []
    for dim in (0, 1):
        lo, hi = 1, _MAX_SEARCH  # invariant: hi fits
        while lo < hi:
            mid = (lo + hi) // 2
            if _fits(layers, mid, dim):
                hi = mid
            else:
                lo = mid + 1
        result.append(lo)
    return (result[0], result[1])


def check_input_size(x: Tensor, minimum: tuple[int, int], model: str) -> None:
    """Raise a ValueError naming the minimum size when ``x`` (N, C, H, W) is too small."""
    height, width = x.shape[-2], x.shape[-1]
    if height < minimum[0] or width < minimum[1]:
        raise invalid(
            "input size (H, W)",
            (int(height), int(width)),
            f"at least {minimum[0]}x{minimum[1]} for {model} (the smallest size its "
            "convolutions and poolings accept, from convolab.shape)",
        )
