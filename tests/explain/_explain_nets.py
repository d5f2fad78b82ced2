"""Networks and images the explain tests share: the zoo's, and one built by hand that uses
every operator the page explains."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Everything(nn.Module):
    """One of each operator the page explains: strided, dilated, padded and grouped
    convolutions, max pooling with padding and ceil_mode, average pooling without the padding
    in its divisor, adaptive pooling with uneven windows, a global mean, batch norm, hardtanh,
    leaky ReLU, ELU, SiLU, a residual sum outside any module and a dense layer without bias."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=2, dilation=2)
        self.bn = nn.BatchNorm2d(8)
        self.act = nn.Hardtanh(-0.5, 0.8)
        self.pool = nn.MaxPool2d(3, 2, padding=1, ceil_mode=True)
        self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=4)
        self.leaky = nn.LeakyReLU(0.2)
        self.avg = nn.AvgPool2d(3, 1, padding=1, count_include_pad=False)
        self.uneven = nn.AdaptiveAvgPool2d((3, 2))
        self.fc = nn.Linear(8, 4, bias=False)

    def forward(self, x):
        x = self.pool(self.act(self.bn(self.stem(x))))
        x = x + self.leaky(self.grouped(x))  # a residual sum outside any module
        x = F.elu(self.avg(x), 0.7)
        x = F.silu(self.uneven(x))
        return self.fc(x.mean((2, 3)))


EVERYTHING_LABELS = [
    "conv · bn · hardtanh", "max pool", "conv · leaky relu", "add", "avg pool · elu",
    "adaptive avg pool · silu", "mean", "dense",
]  # fmt: skip


def trained_like(model: nn.Module, seed: int = 0) -> nn.Module:
    """Batch norm statistics that are not the identity, as a trained model has; eval mode."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=generator) - 0.5)
                m.running_var.copy_(torch.rand(m.num_features, generator=generator) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
                m.bias.copy_(torch.rand(m.num_features, generator=generator) * 0.4 - 0.2)
    return model.eval()


def image(shape, seed: int = 0) -> np.ndarray:
    """Random uint8 pixels of ``shape`` (H, W, C)."""
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
