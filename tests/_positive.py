"""An all-positive copy of a network, for receptive fields read off input gradients.

With weights 1 / fan-in, zero biases, identity batch norm in eval mode and a positive input,
no product vanishes and no sum cancels, so the input cells whose gradient is non-zero for
one output cell are exactly the cells it depends on (tests/models/test_summary_receptive.py,
tests/explain/_explain_golden.py).
"""

from __future__ import annotations

import torch
from torch import nn


def positive(model: nn.Module) -> nn.Module:
    """Weights 1 / fan-in, biases and BN shifts 0, BN scales 1, eval mode (in place).

    Each layer averages its inputs, so one output's gradient stays near 1 / (cells it sees)
    and its smallest entry, a corner of the field reached by a single path, near
    (1 / kernel area) ** depth: about 1e-17 for ResNet-18, well within float32.
    """
    model = model.eval()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.weight.fill_(1.0 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.BatchNorm2d):
                module.reset_parameters()
                module.reset_running_stats()
    return model
