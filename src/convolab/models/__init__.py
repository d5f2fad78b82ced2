"""The classic CNNs, weight-compatible with torchvision, and a registry to find them.

Every builder takes ``num_classes`` and ``in_channels`` and cites its paper; module names
match torchvision's, so its state dicts load unchanged.

create_model     -- build a registered model by name, optionally from a local weights file
list_models      -- registered model names matching a pattern
model_info       -- default input size, channels, classes, paper and minimum input size
ModelInfo        -- the dataclass model_info returns
register_model   -- decorator adding a builder to the registry
lenet5           -- LeNet-5 (LeCun et al. 1998), 32x32 inputs; LeNet5 is its module
alexnet          -- AlexNet (Krizhevsky et al. 2012, torchvision's layout); module AlexNet
vgg11, vgg13, vgg16, vgg19 -- VGG (Simonyan & Zisserman 2015), also *_bn; module VGG
resnet18, resnet34 -- ResNet with BasicBlock (He et al. 2016); module ResNet
resnet50, resnet101, resnet152 -- ResNet with Bottleneck ("v1.5", stride on the 3x3)
adapt_state_dict -- a torchvision state dict adapted to another num_classes / in_channels
summary          -- per-layer shapes, parameters, MACs per operator, receptive fields, memory
                    and a training-step memory estimate (ModelSummary, SummaryRow)
layer_macs       -- multiply-accumulates of one call of a module, counted per operator
load_state_dict_file -- read a local .pth (weights_only) or .safetensors state dict
"""

from convolab.models._registry import (
    ModelInfo,
    create_model,
    list_models,
    model_info,
    register_model,
)
from convolab.models._summary import ModelSummary, SummaryRow, layer_macs, summary
from convolab.models._weights import adapt_state_dict, load_state_dict_file
from convolab.models.alexnet import AlexNet, alexnet
from convolab.models.lenet import LeNet5, lenet5
from convolab.models.resnet import (
    BasicBlock,
    Bottleneck,
    ResNet,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
)
from convolab.models.vgg import (
    VGG,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg13_bn,
    vgg16,
    vgg16_bn,
    vgg19,
    vgg19_bn,
)

__all__ = [
    "VGG",
    "AlexNet",
    "BasicBlock",
    "Bottleneck",
    "LeNet5",
    "ModelInfo",
    "ModelSummary",
    "ResNet",
    "SummaryRow",
    "adapt_state_dict",
    "alexnet",
    "create_model",
    "layer_macs",
    "lenet5",
    "list_models",
    "load_state_dict_file",
    "model_info",
    "register_model",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "summary",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]
