"""The classic CNNs, weight-compatible with torchvision, and a registry to find them.

Every builder takes ``num_classes`` and ``in_channels`` and cites its paper; module names
match torchvision's, so its state dicts load unchanged.

create_model     -- build a registered model by name, optionally from a local weights file
list_models      -- registered model names matching a pattern
model_info       -- default input size, channels, classes, paper and minimum input size
ModelInfo        -- the dataclass model_info returns
register_model   -- decorator adding a builder to the registry
lenet5           -- LeNet-5 (LeCun et al. 1998), 32x32 inputs
LeNet5           -- the LeNet-5 module
"""

from convolab.models._registry import (
    ModelInfo,
    create_model,
    list_models,
    model_info,
    register_model,
)
from convolab.models.lenet import LeNet5, lenet5

__all__ = [
    "LeNet5",
    "ModelInfo",
    "create_model",
    "lenet5",
    "list_models",
    "model_info",
    "register_model",
]
