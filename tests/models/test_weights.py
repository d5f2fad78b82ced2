"""Local torchvision-format weights: .pth and .safetensors, head and stem adaptation, errors."""

import pytest
import torch
import torchvision
from safetensors.torch import save_file

from convolab.models import adapt_state_dict, create_model, load_state_dict_file
from convolab.models._weights import adapt_stem


@pytest.fixture(scope="module")
def reference():
    torch.manual_seed(0)
    return torchvision.models.resnet18().eval()


@pytest.fixture(scope="module", params=[".pth", ".safetensors"])
def weights_file(request, reference, tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / f"resnet18{request.param}"
    state = reference.state_dict()
    if request.param == ".pth":
        torch.save(state, path)
    else:
        save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    return path


def _x(channels, size=32, seed=1):
    return torch.randn(2, channels, size, size, generator=torch.Generator().manual_seed(seed))


def test_loads_unchanged(weights_file, reference):
    model = create_model("resnet18", weights=weights_file).eval()
    with torch.no_grad():
        torch.testing.assert_close(model(_x(3)), reference(_x(3)), rtol=0, atol=1e-6)


def test_new_head_for_other_num_classes(weights_file, reference):
    model = create_model("resnet18", weights=weights_file, num_classes=10)
    assert model.fc.weight.shape == (10, 512)
    torch.testing.assert_close(model.layer4[1].conv2.weight, reference.layer4[1].conv2.weight)
    torch.testing.assert_close(model.conv1.weight, reference.conv1.weight)


@pytest.mark.parametrize("channels", [1, 2, 4])
def test_stem_adapted_for_other_in_channels(weights_file, reference, channels):
    model = create_model("resnet18", weights=weights_file, in_channels=channels).eval()
    expected = reference.conv1.weight.sum(1, keepdim=True) / channels
    torch.testing.assert_close(model.conv1.weight, expected.expand(-1, channels, -1, -1))
    grey = _x(1)
    with torch.no_grad():  # equal channels: the response of the original to the grey image
        torch.testing.assert_close(
            model(grey.expand(-1, channels, -1, -1)),
            reference(grey.expand(-1, 3, -1, -1)),
            rtol=1e-4,
            atol=1e-5,
        )


def test_sizes_default_to_the_file(tmp_path):
    torch.manual_seed(0)
    small = create_model("lenet5", num_classes=4, in_channels=2)
    path = tmp_path / "lenet.pth"
    torch.save(small.state_dict(), path)
    model = create_model("lenet5", weights=path)
    assert model.classifier.output.out_features == 4 and model.features.c1.in_channels == 2
    torch.testing.assert_close(model.features.c3.weight, small.features.c3.weight)


def test_adapt_stem_sums_to_one_channel():
    weight = torch.randn(8, 3, 5, 5)
    torch.testing.assert_close(adapt_stem(weight, 1), weight.sum(1, keepdim=True))


def test_errors(tmp_path, reference):
    with pytest.raises(ValueError, match=r"weights must be a file ending in \.pth"):
        create_model("resnet18", weights=tmp_path / "w.npz")
    with pytest.raises(FileNotFoundError, match="No such weights file"):
        create_model("resnet18", weights=tmp_path / "missing.pth")
    with pytest.raises(TypeError, match="weights must be a path"):
        load_state_dict_file(3)
    path = tmp_path / "list.pth"
    torch.save([torch.zeros(1)], path)
    with pytest.raises(ValueError, match=r"a file holding a state dict"):
        load_state_dict_file(path)
    lenet = tmp_path / "lenet.pth"
    torch.save(create_model("lenet5").state_dict(), lenet)
    with pytest.raises(ValueError, match=r"keys conv1.weight and fc.weight|fc.weight and conv1"):
        create_model("resnet18", weights=lenet)
    state = reference.state_dict()
    with torch.device("meta"):
        r34 = create_model("resnet34")
    with pytest.raises(ValueError, match=r"the keys of ResNet.*missing \['layer1.2"):
        adapt_state_dict(state, r34)
    bad = dict(state, **{"layer1.0.conv1.weight": torch.zeros(64, 64, 1, 1)})
    with pytest.raises(ValueError, match=r"weights\['layer1.0.conv1.weight'\].shape must be"):
        adapt_state_dict(bad, create_model("resnet18"))


def test_a_training_checkpoint_gives_its_model_weights(tmp_path):
    from convolab.train._checkpoint import save_checkpoint

    torch.manual_seed(0)
    trained = create_model("lenet5", num_classes=4)
    save_checkpoint(tmp_path / "best.pt", {"model": trained.state_dict(), "epoch": 3})
    state = load_state_dict_file(tmp_path / "best.pt")
    assert state.keys() == trained.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in trained.state_dict().items())
    model = create_model("lenet5", weights=tmp_path / "best.pt", num_classes=10)
    torch.testing.assert_close(model.features.c3.weight, trained.features.c3.weight)


@pytest.mark.parametrize(
    "key, shape",
    [
        ("features.c1.weight", (6,)),  # a stem of the wrong rank
        ("features.c1.weight", (6, 784)),  # a linear layer where the stem is
        ("features.c1.weight", (6, 0, 5, 5)),  # no input channels
        ("classifier.output.weight", ()),  # a scalar head
        ("classifier.output.weight", (0, 84)),  # no classes
    ],
)
def test_a_stem_or_head_of_the_wrong_shape_names_the_key(tmp_path, key, shape):
    path = tmp_path / "lenet.pth"
    torch.save(dict(create_model("lenet5").state_dict(), **{key: torch.zeros(shape)}), path)
    with pytest.raises(ValueError, match=rf"weights\['{key}'\]\.shape must be .* none zero"):
        create_model("lenet5", weights=path)
