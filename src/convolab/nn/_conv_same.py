"""Convolutions with TensorFlow 'SAME' padding for any kernel, stride, dilation and groups.

PyTorch's ``padding='same'`` refuses strides above 1. These layers give ``ceil(W / s)``
outputs like ``tf.nn.convolution(padding='SAME')``, the extra cell of an odd padding after.
At stride 1 the padding is ``d*(k-1)`` whatever the input size, so it is fixed at
construction: symmetric ones go to ``nn.ConvNd`` itself (no extra op per call), odd totals
become one static ``F.pad``. With a stride above 1 the padding depends on the input size and
is computed on each call by :func:`convolab.nn.pad_same`.

The layers run under ``torch.compile`` and ``torch.export`` (strided layers specialise the
exported program to the example's spatial size, since their padding depends on it; stride-1
layers keep sizes symbolic). ``torch.jit.script`` is not supported: the padding comes from
:mod:`convolab.shape`, plain Python that TorchScript cannot compile.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convolab._args import as_choice, as_tuple, invalid
from convolab.nn._pad_same import flat_pad, pad_same
from convolab.shape import same_padding

# nn.ConvNd's padding_mode -> F.pad's mode
_PAD_MODES = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}


class _SamePadding:
    """The constructor and forward shared by Conv1dSame, Conv2dSame and Conv3dSame."""

    _ndim: int  # spatial dimensions, set by each subclass

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding: str = "same",
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ):
        if padding != "same":
            raise invalid("padding", padding, "'same', the only padding of this layer")
        as_choice(padding_mode, "padding_mode", tuple(_PAD_MODES))
        n = self._ndim
        kernel = as_tuple(kernel_size, n, "kernel_size", minimum=1)
        strides = as_tuple(stride, n, "stride", minimum=1)
        dilations = as_tuple(dilation, n, "dilation", minimum=1)
        static = None
        if all(s == 1 for s in strides):  # d*(k-1) for any W: compute it once, at W = 1
            static = same_padding((1,) * n, kernel, strides, dilations)
        symmetric = static is not None and all(lo == hi for lo, hi in static)
        super().__init__(
            in_channels,
            out_channels,
            kernel,
            strides,
            tuple(lo for lo, _ in static) if symmetric else 0,
            dilations,
            groups,
            bias,
            padding_mode,
            device=device,
            dtype=dtype,
        )
        self._pad_mode = _PAD_MODES[padding_mode]
        self._per_call = static is None
        self._static_pad = flat_pad(static) if static is not None and not symmetric else None
        self.same_pairs = static  # (before, after) per dimension, None when per call

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._per_call:  # stride > 1: the padding depends on the input size
            x = pad_same(x, self.kernel_size, self.stride, self.dilation, mode=self._pad_mode)
        elif self._static_pad is not None:  # stride 1, an odd total: one more cell after
            x = F.pad(x, self._static_pad, mode=self._pad_mode)
        else:  # stride 1, symmetric: nn.ConvNd pads by itself
            return super().forward(x)
        return self._conv_fn(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if any(d != 1 for d in self.dilation):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode!r}"
        pairs = "per call" if self.same_pairs is None else f"static {self.same_pairs}"
        return f"{text}, padding='same' ({pairs})"


class Conv1dSame(_SamePadding, nn.Conv1d):
    """``nn.Conv1d`` with TensorFlow 'SAME' padding: ``ceil(L / stride)`` outputs.

    Args: as ``nn.Conv1d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    """

    _ndim = 1
    _conv_fn = staticmethod(F.conv1d)


class Conv2dSame(_SamePadding, nn.Conv2d):
    """``nn.Conv2d`` with TensorFlow 'SAME' padding: ``ceil(H / s) x ceil(W / s)`` outputs.

    Args: as ``nn.Conv2d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Example:
        >>> Conv2dSame(3, 64, 7, stride=2)(torch.zeros(1, 3, 224, 224)).shape
        torch.Size([1, 64, 112, 112])
    """

    _ndim = 2
    _conv_fn = staticmethod(F.conv2d)


class Conv3dSame(_SamePadding, nn.Conv3d):
    """``nn.Conv3d`` with TensorFlow 'SAME' padding: ``ceil(D/s) x ceil(H/s) x ceil(W/s)``.

    Args: as ``nn.Conv3d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    """

    _ndim = 3
    _conv_fn = staticmethod(F.conv3d)
