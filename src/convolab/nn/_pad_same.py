"""TensorFlow 'SAME' padding of a tensor, pairs from :func:`convolab.shape.same_padding`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convolab._args import as_choice, as_tuple, infer_ndim, invalid, wrong_type
from convolab.functional._pad import CONV_MODES
from convolab.shape import conv_geometry

PAD_MODES = tuple(CONV_MODES.values())  # F.pad's names of the conv padding modes


def flat_pad(pairs) -> list[int]:
    """``((lo, hi) per dimension, first to last)`` in F.pad's order: last dimension first."""
    return [v for lo, hi in reversed(pairs) for v in (lo, hi)]


def pad_same(
    x: torch.Tensor, kernel_size, stride=1, dilation=1, value: float = 0.0, mode: str = "constant"
) -> torch.Tensor:
    """Pad ``x`` so that a convolution with padding 0 gives TensorFlow's 'SAME' output.

    Args:
        x: input ``(N, C, *spatial)`` (or ``(C, *spatial)``); the trailing dimensions
            are padded, as many as ``kernel_size`` (or ``stride``, ``dilation``) has entries,
            else ``x.dim() - 2``.
        kernel_size, stride, dilation: int or one int per padded dimension.
        value: fill value for ``mode='constant'``.
        mode: ``'constant'``, ``'reflect'``, ``'replicate'`` or ``'circular'`` (as F.pad).

    Returns:
        ``x`` padded by ``same_padding(W, k, s, d) = (total // 2, total - total // 2)`` per
        dimension, ``total = max((ceil(W/s) - 1)*s + d*(k-1) + 1 - W, 0)``; a convolution of it
        with the same k, s, d has ``ceil(W / s)`` outputs per dimension.

    Example:
        >>> pad_same(torch.zeros(1, 3, 224, 224), 7, stride=2).shape
        torch.Size([1, 3, 229, 229])
    """
    if not isinstance(x, torch.Tensor):
        raise wrong_type("x", x, "a torch.Tensor")
    ndim = infer_ndim(kernel_size, stride, dilation, default=x.dim() - 2)
    if ndim < 1 or x.dim() < ndim + 1:
        raise invalid(
            "x.shape",
            tuple(x.shape),
            f"a shape with channels and {max(ndim, 1)} spatial dimensions",
        )
    kernel = as_tuple(kernel_size, ndim, "kernel_size", minimum=1)
    strides = as_tuple(stride, ndim, "stride", minimum=1)
    dilations = as_tuple(dilation, ndim, "dilation", minimum=1)
    mode = as_choice(mode, "mode", PAD_MODES)
    pairs = conv_geometry(tuple(x.shape[-ndim:]), kernel, strides, "same", dilations).pads
    pad = flat_pad(pairs)
    if not any(pad):
        return x
    if mode == "constant":
        return F.pad(x, pad, mode=mode, value=value)  # (N, C, *(W + lo + hi))
    return F.pad(x, pad, mode=mode)
