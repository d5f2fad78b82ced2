"""Convolutions padded as TensorFlow's 'SAME' or causally, for any kernel, stride, dilation.

PyTorch's ``padding='same'`` refuses strides above 1. ``Conv{1,2,3}dSame`` give
``ceil(W / s)`` outputs like ``tf.nn.convolution(padding='SAME')``, the extra cell of an odd
padding after; :class:`CausalConv1d` pads ``d*(k-1)`` cells before and none after, so that
output ``t`` sees inputs up to ``t * s`` only (WaveNet, TCN; Keras' ``padding='causal'``).
The padding comes from one :class:`convolab.shape.Geometry`. When it does not depend on the
input size (causal, or 'same' at stride 1) it is fixed at construction: symmetric ones go to
``nn.ConvNd`` itself (no extra op per call), others become one static ``F.pad``. 'same' with
a stride above 1 depends on the size and is computed on each call (:func:`pad_same`).

The layers run under ``torch.compile`` and ``torch.export`` (strided 'same' layers
specialise the exported program to the example's spatial size, since their padding depends
on it; the others keep sizes symbolic). ``torch.jit.script`` is not supported: the padding
comes from :mod:`convolab.shape`, plain Python that TorchScript cannot compile.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convolab._args import as_choice, as_tuple, invalid
from convolab.functional._pad import CONV_MODES
from convolab.nn._pad_same import flat_pad, pad_same
from convolab.shape import conv_geometry


class _PaddedConv:
    """The constructor and forward shared by the 'same' and causal layers."""

    _ndim: int  # spatial dimensions, set by each subclass
    _padding: str  # 'same' or 'causal', set by each subclass

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding: str | None = None,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ):
        if padding not in (None, self._padding):
            raise invalid("padding", padding, f"{self._padding!r}, the only padding of this layer")
        as_choice(padding_mode, "padding_mode", tuple(CONV_MODES))
        n = self._ndim
        kernel = as_tuple(kernel_size, n, "kernel_size", minimum=1)
        strides = as_tuple(stride, n, "stride", minimum=1)
        dilations = as_tuple(dilation, n, "dilation", minimum=1)
        static = self._static_pairs(kernel, strides, dilations)
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
        self._pad_mode = CONV_MODES[padding_mode]
        self._per_call = static is None
        self._static_pad = flat_pad(static) if static is not None and not symmetric else None
        self.pairs = static  # (before, after) per dimension, None when per call

    def _static_pairs(self, kernel, strides, dilations):
        """The pairs when they do not depend on the input size (causal, or 'same' at stride
        1: read off the geometry of a 1-cell input), else None."""
        if self._padding == "causal" or all(s == 1 for s in strides):
            ones = (1,) * len(kernel)
            return conv_geometry(ones, kernel, strides, self._padding, dilations).pads
        return None

    @property
    def same_pairs(self):
        """The 'same' pairs, as :attr:`pairs` (the name of the layers' first release)."""
        return self.pairs

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
        pairs = "per call" if self.pairs is None else f"static {self.pairs}"
        return f"{text}, padding={self._padding!r} ({pairs})"


class Conv1dSame(_PaddedConv, nn.Conv1d):
    """``nn.Conv1d`` with TensorFlow 'SAME' padding: ``ceil(L / stride)`` outputs.

    Args: as ``nn.Conv1d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    """

    _ndim = 1
    _padding = "same"
    _conv_fn = staticmethod(F.conv1d)


class Conv2dSame(_PaddedConv, nn.Conv2d):
    """``nn.Conv2d`` with TensorFlow 'SAME' padding: ``ceil(H / s) x ceil(W / s)`` outputs.

    Args: as ``nn.Conv2d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Example:
        >>> Conv2dSame(3, 64, 7, stride=2)(torch.zeros(1, 3, 224, 224)).shape
        torch.Size([1, 64, 112, 112])
    """

    _ndim = 2
    _padding = "same"
    _conv_fn = staticmethod(F.conv2d)


class Conv3dSame(_PaddedConv, nn.Conv3d):
    """``nn.Conv3d`` with TensorFlow 'SAME' padding: ``ceil(D/s) x ceil(H/s) x ceil(W/s)``.

    Args: as ``nn.Conv3d``; ``padding`` accepts only ``'same'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    """

    _ndim = 3
    _padding = "same"
    _conv_fn = staticmethod(F.conv3d)


class CausalConv1d(_PaddedConv, nn.Conv1d):
    """``nn.Conv1d`` padded causally: ``d*(k-1)`` zeros before the sequence, none after.

    Output ``t`` depends on inputs ``0 .. t*s`` only, and there are ``ceil(L / s)`` outputs
    (``convolab.shape.conv_output_size(L, k, s, 'causal', d)``): the convolution of WaveNet
    (van den Oord et al., 2016) and temporal convolutional networks (Bai et al., 2018).

    Args: as ``nn.Conv1d``; ``padding`` accepts only ``'causal'`` and ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Example:
        >>> CausalConv1d(1, 8, 3, dilation=4)(torch.zeros(1, 1, 100)).shape
        torch.Size([1, 8, 100])
    """

    _ndim = 1
    _padding = "causal"
    _conv_fn = staticmethod(F.conv1d)
