"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document
recognition", Proc. IEEE 86(11), 1998).

Layers carry the paper's names: C1, S2, C3, S4, C5 (convolution / subsampling), F6, output.
As in the usual reconstructions whose count is 61,706 parameters, three details are
simplified: C3 connects to all six S2 maps (the paper's table connects 60 of 96 pairs), the
subsampling layers average without trainable coefficients, and the output is a linear layer
instead of Euclidean RBF units (and tanh replaces the paper's 1.7159 tanh(2a/3)).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from convolab._args import as_choice, invalid
from convolab.models._input import check_input_size, min_input_size
from convolab.models._registry import register_model

# variant -> (activation, subsampling): 'classic' is the paper's, 'modern' today's habit.
VARIANTS = {
    "classic": (nn.Tanh, nn.AvgPool2d),
    "modern": (nn.ReLU, nn.MaxPool2d),
}


class LeNet5(nn.Module):
    """LeNet-5 for 32x32 inputs (MNIST's 28x28 digits padded by 2).

    Args:
        num_classes: size of the output layer.
        in_channels: channels of the input image.
        variant: ``'classic'`` (tanh and average-pool subsampling, as in the paper) or
            ``'modern'`` (ReLU and max-pooling).
    """

    stem = "features.c1"  # first convolution, adapted when in_channels changes
    head = "classifier.output"  # last layer, replaced when num_classes changes

    def __init__(self, num_classes: int = 10, in_channels: int = 1, variant: str = "classic"):
        super().__init__()
        act, pool = VARIANTS[as_choice(variant, "variant", tuple(VARIANTS))]
        self.features = nn.Sequential(
            OrderedDict(
                [
                    ("c1", nn.Conv2d(in_channels, 6, kernel_size=5)),  # (N, 6, 28, 28)
                    ("act1", act()),
                    ("s2", pool(kernel_size=2, stride=2)),  # (N, 6, 14, 14)
                    ("c3", nn.Conv2d(6, 16, kernel_size=5)),  # (N, 16, 10, 10)
                    ("act3", act()),
                    ("s4", pool(kernel_size=2, stride=2)),  # (N, 16, 5, 5)
                    ("c5", nn.Conv2d(16, 120, kernel_size=5)),  # (N, 120, 1, 1)
                    ("act5", act()),
                ]
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(
                [
                    ("f6", nn.Linear(120, 84)),
                    ("act6", act()),
                    ("output", nn.Linear(84, num_classes)),
                ]
            )
        )
        self.variant = variant
        self.min_input_size = min_input_size(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input_size(x, self.min_input_size, "LeNet-5")
        size = tuple(int(s) for s in x.shape[-2:])
        x = self.features(x)  # (N, 120, 1, 1)
        if x.shape[-2:] != (1, 1):
            raise invalid(
                "input size (H, W)",
                size,
                "one that C5 reduces to 1x1, such as 32x32, for LeNet-5; C5's output here is "
                + "x".join(str(int(s)) for s in x.shape[-2:]),
            )
        return self.classifier(torch.flatten(x, 1))  # (N, num_classes)

    def extra_repr(self) -> str:
        return f"variant={self.variant!r}"


@register_model(
    paper="LeCun et al. 1998, Gradient-based learning applied to document recognition",
    input_size=(32, 32),
)
def lenet5(*, num_classes: int = 10, in_channels: int = 1, variant: str = "classic") -> LeNet5:
    """LeNet-5 from `LeCun et al. 1998 <http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf>`_:
    61,706 parameters for 10 classes and 1 channel."""
    return LeNet5(num_classes=num_classes, in_channels=in_channels, variant=variant)
