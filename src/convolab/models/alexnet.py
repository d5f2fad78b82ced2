"""AlexNet (Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS 2012), in the single-GPU form of Krizhevsky, "One weird trick for
parallelizing convolutional neural networks", arXiv:1404.5997: 64-192-384-256-256 filters, the
layout torchvision's weights use (61,100,840 parameters).
"""

from __future__ import annotations

import torch
from torch import nn

from convolab.models._input import check_input_size, min_input_size
from convolab.models._registry import register_model


class AlexNet(nn.Module):
    """Five convolutions (ReLU, three max-pools), a 6x6 adaptive pool and three dense layers.

    Args:
        num_classes: outputs of the last dense layer.
        in_channels: channels of the input image.
        dropout: dropout probability before the first two dense layers.
    """

    stem = "features.0"  # first convolution, adapted when in_channels changes
    head = "classifier.6"  # last layer, replaced when num_classes changes

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2),  # (N, 64, 55, 55)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (N, 64, 27, 27)
            nn.Conv2d(64, 192, kernel_size=5, padding=2),  # (N, 192, 27, 27)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (N, 192, 13, 13)
            nn.Conv2d(192, 384, kernel_size=3, padding=1),  # (N, 384, 13, 13)
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),  # (N, 256, 13, 13)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (N, 256, 6, 6)
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))  # (N, 256, 6, 6) for any input size
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )
        self.min_input_size = min_input_size(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input_size(x, self.min_input_size, "AlexNet")
        x = self.avgpool(self.features(x))  # (N, 256, 6, 6)
        return self.classifier(torch.flatten(x, 1))  # (N, num_classes)


@register_model(
    paper="Krizhevsky et al. 2012, ImageNet Classification with Deep Convolutional "
    "Neural Networks (layout of arXiv:1404.5997)",
    input_size=(224, 224),
)
def alexnet(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> AlexNet:
    """AlexNet from `Krizhevsky et al. 2012 <https://papers.nips.cc/paper/4824>`_ in the
    layout of `arXiv:1404.5997 <https://arxiv.org/abs/1404.5997>`_ (torchvision's)."""
    return AlexNet(num_classes=num_classes, in_channels=in_channels, dropout=dropout)
