"""ResNet (He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
arXiv:1512.03385), laid out as torchvision's.

ResNet-18/34 stack ``BasicBlock`` (two 3x3 convolutions); ResNet-50/101/152 stack
``Bottleneck`` (1x1 reduce, 3x3, 1x1 expand by 4) with the stride on the 3x3 convolution
(torchvision's "v1.5", which the paper's Caffe release put on the first 1x1). A block gets a
projection shortcut (1x1 convolution and batch norm, ``downsample``) only where its stride or
channel count changes. Convolutions followed by batch norm have no bias.
"""

from __future__ import annotations

import torch
from torch import nn

from convolab.models._input import check_input_size, min_input_size
from convolab.models._registry import register_model


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1 and no bias: output ceil(W / stride)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution with no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm, plus the shortcut: ``relu(F(x) + x)``."""

    expansion = 1  # output channels = planes * expansion

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))  # (N, planes, H / stride, W / stride)
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity  # in place, as torchvision: one activation buffer less per block
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 (reduce), 3x3 (carries the stride), 1x1 (expand x4), plus the shortcut."""

    expansion = 4  # output channels = planes * expansion

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))  # (N, planes, H, W)
        out = self.relu(self.bn2(self.conv2(out)))  # (N, planes, H / stride, W / stride)
        out = self.bn3(self.conv3(out))  # (N, 4 * planes, H / stride, W / stride)
        identity = x if self.downsample is None else self.downsample(x)
        out += identity  # in place, as torchvision: one activation buffer less per block
        return self.relu(out)


class ResNet(nn.Module):
    """Stem (7x7/2 convolution, 3x3/2 max-pool), four stages of blocks, average pool, dense.

    Args:
        block: ``BasicBlock`` or ``Bottleneck``.
        layers: blocks per stage, e.g. ``[2, 2, 2, 2]`` for ResNet-18.
        num_classes: outputs of the dense layer.
        in_channels: channels of the input image.
        zero_init_residual: start each block's last batch norm at zero, so that every block
            begins as the identity (Goyal et al. 2017, arXiv:1706.02677).
    """

    stem = "conv1"  # first convolution, adapted when in_channels changes
    head = "fc"  # last layer, replaced when num_classes changes

    def __init__(
        self,
        block,
        layers: list[int],
        num_classes: int = 1000,
        in_channels: int = 3,
        zero_init_residual: bool = False,
    ):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        self._initialise(zero_init_residual)
        self.min_input_size = min_input_size(self)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        """One stage; only its first block changes stride/channels, so only it may project."""
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def _initialise(self, zero_init_residual: bool) -> None:
        """torchvision's initialisation: He (fan-out) convolutions, unit batch norms."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.zeros_(m.bn3.weight)
                elif isinstance(m, BasicBlock):
                    nn.init.zeros_(m.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input_size(x, self.min_input_size, "ResNet")
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (N, 64, H / 4, W / 4)
        x = self.layer1(x)  # (N, 64 * expansion, H / 4, W / 4)
        x = self.layer2(x)  # (N, 128 * expansion, H / 8, W / 8)
        x = self.layer3(x)  # (N, 256 * expansion, H / 16, W / 16)
        x = self.layer4(x)  # (N, 512 * expansion, H / 32, W / 32)
        x = torch.flatten(self.avgpool(x), 1)  # (N, 512 * expansion)
        return self.fc(x)  # (N, num_classes)


def _resnet(
    block, layers: list[int], num_classes: int, in_channels: int, zero_init_residual: bool
) -> ResNet:
    return ResNet(block, layers, num_classes, in_channels, zero_init_residual)


_PAPER = "He et al. 2016, Deep Residual Learning for Image Recognition"


@register_model(paper=_PAPER, input_size=(224, 224))
def resnet18(
    *, num_classes: int = 1000, in_channels: int = 3, zero_init_residual: bool = False
) -> ResNet:
    """ResNet-18 from `He et al. 2016 <https://arxiv.org/abs/1512.03385>`_."""
    return _resnet(BasicBlock, [2, 2, 2, 2], num_classes, in_channels, zero_init_residual)


@register_model(paper=_PAPER, input_size=(224, 224))
def resnet34(
    *, num_classes: int = 1000, in_channels: int = 3, zero_init_residual: bool = False
) -> ResNet:
    """ResNet-34 from `He et al. 2016 <https://arxiv.org/abs/1512.03385>`_."""
    return _resnet(BasicBlock, [3, 4, 6, 3], num_classes, in_channels, zero_init_residual)


@register_model(paper=_PAPER, input_size=(224, 224))
def resnet50(
    *, num_classes: int = 1000, in_channels: int = 3, zero_init_residual: bool = False
) -> ResNet:
    """ResNet-50 from `He et al. 2016 <https://arxiv.org/abs/1512.03385>`_."""
    return _resnet(Bottleneck, [3, 4, 6, 3], num_classes, in_channels, zero_init_residual)


@register_model(paper=_PAPER, input_size=(224, 224))
def resnet101(
    *, num_classes: int = 1000, in_channels: int = 3, zero_init_residual: bool = False
) -> ResNet:
    """ResNet-101 from `He et al. 2016 <https://arxiv.org/abs/1512.03385>`_."""
    return _resnet(Bottleneck, [3, 4, 23, 3], num_classes, in_channels, zero_init_residual)


@register_model(paper=_PAPER, input_size=(224, 224))
def resnet152(
    *, num_classes: int = 1000, in_channels: int = 3, zero_init_residual: bool = False
) -> ResNet:
    """ResNet-152 from `He et al. 2016 <https://arxiv.org/abs/1512.03385>`_."""
    return _resnet(Bottleneck, [3, 8, 36, 3], num_classes, in_channels, zero_init_residual)
