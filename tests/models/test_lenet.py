"""LeNet-5: parameter counts layer by layer, both variants, input size errors."""

import pytest
import torch
import torch.nn.functional as F

from convolab.models import LeNet5, create_model, lenet5, model_info


def _count(module):
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_layer_by_layer():
    model = lenet5()
    # C1 6*(25+1), C3 16*(6*25+1), C5 120*(16*25+1), F6 84*(120+1), output 10*(84+1)
    expected = {"c1": 156, "c3": 2416, "c5": 48120}
    assert {k: _count(getattr(model.features, k)) for k in expected} == expected
    assert _count(model.classifier.f6) == 10164
    assert _count(model.classifier.output) == 850
    assert _count(model) == 61706


@pytest.mark.parametrize("variant", ["classic", "modern"])
def test_forward_matches_functional_reference(variant):
    torch.manual_seed(0)
    model = lenet5(variant=variant).eval()
    x = torch.randn(3, 1, 32, 32)
    act = torch.tanh if variant == "classic" else torch.relu
    pool = F.avg_pool2d if variant == "classic" else F.max_pool2d
    f, c = model.features, model.classifier
    h = pool(act(F.conv2d(x, f.c1.weight, f.c1.bias)), 2)
    h = pool(act(F.conv2d(h, f.c3.weight, f.c3.bias)), 2)
    h = act(F.conv2d(h, f.c5.weight, f.c5.bias)).flatten(1)
    h = F.linear(act(F.linear(h, c.f6.weight, c.f6.bias)), c.output.weight, c.output.bias)
    with torch.no_grad():
        torch.testing.assert_close(model(x), h, rtol=0, atol=1e-6)


def test_unknown_variant_names_the_choices():
    with pytest.raises(ValueError, match=r"variant must be one of 'classic', 'modern', got 'x'"):
        LeNet5(variant="x")


def test_too_small_and_too_large_inputs():
    model = create_model("lenet5")
    with pytest.raises(ValueError, match=r"at least 32x32 for LeNet-5.*got \(28, 28\)"):
        model(torch.zeros(1, 1, 28, 28))
    with pytest.raises(ValueError, match=r"C5 reduces to 1x1.*C5's output here is 2x2"):
        model(torch.zeros(1, 1, 36, 36))


def test_model_info_for_the_trainer():
    info = model_info("lenet5")
    assert (info.input_size, info.in_channels, info.num_classes) == ((32, 32), 1, 10)
    assert info.min_input_size == (32, 32)
    assert "LeCun" in info.paper
