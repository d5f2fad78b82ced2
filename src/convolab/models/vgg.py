"""VGG (Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015, arXiv:1409.1556): configurations A, B, D, E (11, 13, 16 and 19
weight layers), with or without batch normalisation, laid out as torchvision's.
"""

from __future__ import annotations

import torch
from torch import nn

from convolab.models._input import check_input_size, min_input_size
from convolab.models._registry import register_model

# The paper's Table 1: output channels of each 3x3 convolution, "M" for a 2x2 max-pool.
CFGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        512,
        "M",
    ],
}


def make_layers(cfg: list[int | str], in_channels: int, batch_norm: bool) -> nn.Sequential:
    """The convolutional part: 3x3 convolutions (padding 1) with ReLU, 2x2 max-pools."""
    layers: list[nn.Module] = []
    for item in cfg:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))  # halves H and W
            continue
        layers.append(nn.Conv2d(in_channels, item, kernel_size=3, padding=1))  # keeps H, W
        if batch_norm:
            layers.append(nn.BatchNorm2d(item))
        layers.append(nn.ReLU(inplace=True))
        in_channels = item
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """A convolutional ``features`` stack, a 7x7 adaptive pool and three dense layers.

    Args:
        features: the stack from :func:`make_layers`, ending with 512 channels.
        num_classes: outputs of the last dense layer.
        dropout: dropout probability after the first two dense layers.
    """

    stem = "features.0"  # first convolution, adapted when in_channels changes
    head = "classifier.6"  # last layer, replaced when num_classes changes

    def __init__(self, features: nn.Sequential, num_classes: int = 1000, dropout: float = 0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))  # (N, 512, 7, 7) for any input size
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        self._initialise()
        self.min_input_size = min_input_size(self)

    def _initialise(self) -> None:
        """torchvision's initialisation: He (fan-out) convolutions, N(0, 0.01) dense layers."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input_size(x, self.min_input_size, "VGG")
        x = self.avgpool(self.features(x))  # (N, 512, 7, 7)
        return self.classifier(torch.flatten(x, 1))  # (N, num_classes)


def _vgg(cfg: str, batch_norm: bool, num_classes: int, in_channels: int, dropout: float) -> VGG:
    features = make_layers(CFGS[cfg], in_channels, batch_norm)
    return VGG(features, num_classes=num_classes, dropout=dropout)


_PAPER = (
    "Simonyan & Zisserman 2015, Very Deep Convolutional Networks for Large-Scale Image Recognition"
)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg11(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-11 (configuration A) from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("A", False, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg13(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-13 (configuration B) from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("B", False, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg16(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-16 (configuration D) from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("D", False, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg19(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-19 (configuration E) from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("E", False, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg11_bn(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-11 (configuration A) with batch normalisation from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("A", True, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg13_bn(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-13 (configuration B) with batch normalisation from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("B", True, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg16_bn(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-16 (configuration D) with batch normalisation from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("D", True, num_classes, in_channels, dropout)


@register_model(paper=_PAPER, input_size=(224, 224))
def vgg19_bn(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG-19 (configuration E) with batch normalisation from `Simonyan & Zisserman 2015
    <https://arxiv.org/abs/1409.1556>`_."""
    return _vgg("E", True, num_classes, in_channels, dropout)
