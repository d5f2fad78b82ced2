"""Every registered model: parameter counts, forward/backward, sizes, torchvision parity.

Big models are built once per module: the fixture builds torchvision's model (the
independent reference, randomly initialised) and loads its state dict strictly into ours,
built on the meta device so that no second copy of the weights is initialised.
"""

import pytest
import torch
import torchvision
from aten_trace import aten_ops

from convolab.models import create_model, list_models, model_info

PARAMS = {
    "lenet5": 61_706,
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg13": 133_047_848,
    "vgg16": 138_357_544,
    "vgg19": 143_667_240,
    "vgg11_bn": 132_868_840,
    "vgg13_bn": 133_053_736,
    "vgg16_bn": 138_365_992,
    "vgg19_bn": 143_678_248,
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
}
IMAGENET = [name for name in list_models() if hasattr(torchvision.models, name)]
OTHERS = [name for name in list_models() if name not in IMAGENET]  # no torchvision twin


def _test_size(name):
    """Small inputs keep the suite fast: the model's minimum size, but at least 32. At 16 px,
    a train-mode ResNet-101/152 normalises 1x1 maps of a batch of 2 (two values a channel)
    through all of layer3 as well, and the input gradient overflows."""
    return max(model_info(name).min_input_size[0], 32)


def test_registry_holds_the_whole_zoo():
    assert sorted(list_models()) == sorted(PARAMS)
    assert set(IMAGENET) == set(PARAMS) - {"lenet5"}


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count(name):
    with torch.device("meta"):
        model = create_model(name)
    assert sum(p.numel() for p in model.parameters()) == PARAMS[name]


@pytest.mark.parametrize("name", list_models())
@pytest.mark.parametrize(("num_classes", "in_channels"), [(7, 1), (3, 5)])
def test_num_classes_and_in_channels_variants(name, num_classes, in_channels):
    with torch.device("meta"):
        model = create_model(name, num_classes=num_classes, in_channels=in_channels)
        size = _test_size(name)
        out = model(torch.zeros(2, in_channels, size, size))  # shapes only, on meta
    assert out.shape == (2, num_classes)


@pytest.fixture(scope="module", params=IMAGENET)
def pair(request):
    """(ours, torchvision's) with torchvision's random weights loaded strictly into ours."""
    torch.manual_seed(0)
    reference = getattr(torchvision.models, request.param)()
    with torch.device("meta"):
        ours = create_model(request.param)
    ours.load_state_dict(reference.state_dict(), strict=True, assign=True)
    return request.param, ours, reference


def test_torchvision_state_dict_loads_and_outputs_agree(pair):
    name, ours, reference = pair
    assert list(ours.state_dict()) == list(reference.state_dict())
    size = _test_size(name)
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    ours.eval(), reference.eval()
    with torch.no_grad():
        diff = (ours(x) - reference(x)).abs().max().item()
    assert diff <= 1e-5


def test_forward_backward_smoke(pair):
    name, ours, _ = pair
    _smoke(ours.train(), name)


@pytest.mark.parametrize("name", ["alexnet", "vgg11", "vgg19_bn", "resnet18", "resnet152"])
def test_same_aten_operators_as_torchvision(name):
    """The same operators in the same order, forward (eval) and forward+backward (train):
    the same kernels run, so the two cost the same (what benchmarks/zoo.py times)."""
    with torch.device("meta"):
        ours, reference = create_model(name), getattr(torchvision.models, name)()
        x = torch.zeros(2, 3, _test_size(name), _test_size(name))
        assert aten_ops(ours.eval(), x) == aten_ops(reference.eval(), x)
        ours_train = aten_ops(ours.train(), x, backward=True)
        assert ours_train == aten_ops(reference.train(), x, backward=True)
    assert "aten.convolution_backward.default" in ours_train


@pytest.mark.parametrize("name", [*OTHERS, "vgg11_bn", "resnet18", "resnet50"])
def test_own_initialisation_smoke(name):
    """Every model without a torchvision twin, and our initialisation of the families."""
    torch.manual_seed(0)
    _smoke(create_model(name).train(), name)


def _smoke(model, name):
    size = _test_size(name)
    channels = model_info(name).in_channels
    x = torch.randn(2, channels, size, size, requires_grad=True)
    out = model(x)
    assert out.shape == (2, model_info(name).num_classes)
    assert torch.isfinite(out).all()
    (grad,) = torch.autograd.grad(out.square().sum(), x)  # only the path to x is computed
    assert torch.isfinite(grad).all() and grad.abs().sum() > 0


@pytest.mark.parametrize("name", IMAGENET)
def test_minimum_input_size_matches_torchvision(name):
    """One pixel below our minimum, torchvision's own model fails; at the minimum it runs."""
    low = model_info(name).min_input_size[0]
    with torch.device("meta"):
        reference = getattr(torchvision.models, name)().eval()
        ours = create_model(name).eval()
        reference(torch.zeros(1, 3, low, low))
        if low > 1:
            with pytest.raises(RuntimeError):
                reference(torch.zeros(1, 3, low - 1, low - 1))
            with pytest.raises(ValueError, match=rf"at least {low}x{low} for .*got \({low - 1}"):
                ours(torch.zeros(1, 3, low - 1, low))


@pytest.mark.parametrize(
    ("name", "size", "text"),
    [("alexnet", 32, "at least 63x63 for AlexNet"), ("vgg16", 16, "at least 32x32 for VGG")],
)
def test_too_small_input_names_the_minimum(name, size, text):
    with torch.device("meta"):
        model = create_model(name)
        with pytest.raises(ValueError, match=rf"input size \(H, W\) must be {text}"):
            model(torch.zeros(1, 3, size, size))


def test_model_info_defaults():
    info = model_info("resnet50")
    assert (info.input_size, info.in_channels, info.num_classes) == ((224, 224), 3, 1000)
    assert info.min_input_size == (1, 1)
    assert "He et al." in info.paper
    assert model_info("alexnet").min_input_size == (63, 63)


def test_resnet_blocks_follow_the_paper():
    """BasicBlock is two 3x3 convolutions; the Bottleneck stride sits on the 3x3;
    projections only where shape or stride change; no bias before batch norm."""
    with torch.device("meta"):
        r18, r50 = create_model("resnet18"), create_model("resnet50")
    block = r18.layer1[0]
    assert [m.kernel_size for m in (block.conv1, block.conv2)] == [(3, 3), (3, 3)]
    assert r50.layer2[0].conv2.stride == (2, 2) and r50.layer2[0].conv1.stride == (1, 1)
    projected = [n for n, m in r18.named_modules() if n.endswith("downsample")]
    assert projected == ["layer2.0.downsample", "layer3.0.downsample", "layer4.0.downsample"]
    assert r50.layer1[0].downsample is not None and r50.layer1[1].downsample is None
    convs = [m for m in r50.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(m.bias is None for m in convs)


def test_minimum_input_size_of_a_custom_model_with_same_padding():
    from torch import nn

    from convolab.models._input import min_input_size
    from convolab.nn import Conv2dSame

    # 'SAME' never shrinks below 1, so only the unpadded 5x5 pooling sets the minimum
    model = nn.Sequential(Conv2dSame(1, 2, 7, stride=2), nn.MaxPool2d(5), Conv2dSame(2, 2, 4))
    assert min_input_size(model) == (9, 9)
