"""Activations and kernels as the page draws them: bytes on a symmetric scale, and the scale.

A layer's maps share one scale ``[-m, m]`` with ``m`` its largest absolute value, so channels
compare at a glance and 0 is always the middle colour: a value ``v`` becomes the byte
``round((v / m + 1) * 127.5)``. Maps wider or taller than :data:`THUMB_SIDE` are averaged
over blocks down to at most that many cells a side for the overview; a channel opened on its
own is sent whole.
"""

from __future__ import annotations

import base64
import math

import torch
import torch.nn.functional as F

THUMB_SIDE = 64  # cells a side of an overview thumbnail, at most
THUMB_CHANNELS = 8  # channels a column of the overview shows before "all channels"


def scale_of(values: torch.Tensor) -> float:
    """``m``: the largest absolute value (1 for an all-zero tensor, so bytes stay defined)."""
    m = float(values.abs().max()) if values.numel() else 0.0
    return m if m > 0 and math.isfinite(m) else 1.0


def to_bytes(values: torch.Tensor, m: float) -> str:
    """``values`` on the scale ``[-m, m]`` as base64 bytes (row-major)."""
    q = ((values.float() / m + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    return base64.b64encode(q.contiguous().numpy().tobytes()).decode("ascii")


def thumbnails(output: torch.Tensor, channels: int | None = THUMB_CHANNELS) -> dict:
    """The first ``channels`` maps of a layer's output (without the batch), for the page.

    ``output`` is (C, H, W) or (F,); a flat output is one map of F cells.
    """
    m = scale_of(output)
    if output.dim() != 3:
        return {"scale": m, "shape": list(output.shape), "size": [int(output.numel())],
                "channels": 1, "data": to_bytes(output.reshape(-1), m)}  # fmt: skip
    shown = output[: channels or output.shape[0]]  # (K, H, W)
    factor = max(1, math.ceil(max(shown.shape[1:]) / THUMB_SIDE))
    if factor > 1:
        shown = F.avg_pool2d(shown[None], factor, ceil_mode=True)[0]  # (K, H/f, W/f)
    return {
        "scale": m,
        "shape": list(output.shape),
        "size": list(shown.shape[1:]),
        "channels": int(shown.shape[0]),
        "data": to_bytes(shown, m),
    }


def channel_map(output: torch.Tensor, channel: int) -> dict:
    """One channel of a (C, H, W) output at full size, on its layer's scale."""
    m = scale_of(output)
    plane = output[channel]  # (H, W)
    return {"scale": m, "size": list(plane.shape), "data": to_bytes(plane, m)}


def kernel_pictures(weight: torch.Tensor, limit: int = 64) -> dict:
    """The kernels of a convolution (C_out, C_in/g, kh, kw), at most ``limit`` of each count,
    on the scale of the whole weight; ``value range`` is its smallest and largest value."""
    shown, scale = weight[:limit, :limit], scale_of(weight)
    return {
        "scale": scale,
        "range": [float(weight.min()), float(weight.max())],
        "shape": list(weight.shape),
        "shown": list(shown.shape),
        "data": to_bytes(shown, scale),
    }
