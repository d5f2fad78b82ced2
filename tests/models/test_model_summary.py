"""Model summary: MACs against torchvision's published figures and closed forms, rows, table."""

import pytest
import torch

from convolab.models import create_model, layer_macs, summary
from convolab.models._table import with_unit as _with_unit

# torchvision's published GFLOPS (multiply-accumulates, conv + linear) per 224x224 image.
PUBLISHED_GMACS = {
    "alexnet": 0.714,
    "vgg16": 15.47,
    "resnet18": 1.814,
    "resnet50": 4.089,
    "resnet152": 11.514,
}


@pytest.mark.parametrize(("name", "gmacs"), PUBLISHED_GMACS.items())
def test_macs_agree_with_published_figures(name, gmacs):
    result = summary(name)
    assert result.input_size == (1, 3, 224, 224)
    assert abs(result.total_macs / 1e9 - gmacs) <= 0.01 * gmacs


def test_lenet_macs_closed_form_and_shapes():
    result = summary("lenet5", depth=2)
    # C1 28*28*6*25, C3 10*10*16*(6*25), C5 120*(16*25), F6 120*84, output 84*10
    assert result.total_macs == 117_600 + 240_000 + 48_000 + 10_080 + 840
    rows = {r.name: r for r in result.rows}
    assert rows["features.c1"].output_shape == (1, 6, 28, 28)
    assert rows["features.s4"].output_shape == (1, 16, 5, 5)
    assert rows["features"].macs == 117_600 + 240_000 + 48_000
    assert rows["classifier.output"].params == 850
    assert result.total_params == 61_706


def test_rows_follow_depth_and_sum_to_totals():
    shallow, deep = summary("resnet18", depth=1), summary("resnet18", depth=3)
    assert [r.name for r in shallow.rows][:5] == ["conv1", "bn1", "relu", "maxpool", "layer1"]
    assert all(r.depth == 1 for r in shallow.rows)
    assert sum(r.params for r in shallow.rows) == shallow.total_params
    assert sum(r.macs for r in shallow.rows) == shallow.total_macs
    assert "layer2.0.downsample" in {r.name for r in deep.rows}
    assert max(r.depth for r in deep.rows) == 3


def test_batch_and_kwargs_scale_the_counts():
    one, four = summary("resnet18", (1, 3, 64, 64)), summary("resnet18", (4, 3, 64, 64))
    assert four.total_macs == 4 * one.total_macs
    ten = summary("resnet18", (1, 3, 64, 64), num_classes=10)
    assert one.total_macs - ten.total_macs == 512 * (1000 - 10)


def test_module_summary_runs_on_its_device_and_restores_mode():
    model = create_model("lenet5", variant="modern").train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = summary(model, (2, 1, 32, 32))
    assert model.training and result.model == "LeNet5"
    assert result.rows[-1].output_shape == (2, 10)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_layer_macs_grouped_and_transposed_against_closed_forms():
    conv = torch.nn.Conv2d(8, 12, (3, 5), groups=4)
    x = torch.zeros(2, 8, 10, 10)
    assert layer_macs(conv, (x,), conv(x)) == 2 * 12 * 8 * 6 * (2 * 3 * 5)
    up = torch.nn.ConvTranspose2d(8, 4, 3, stride=2)
    assert layer_macs(up, (x,), up(x)) == x.numel() * 4 * 9
    assert layer_macs(torch.nn.ReLU(), (x,), x) == 0
    # a bare tensor is refused: its first row would be read as an unbatched input
    with pytest.raises(TypeError, match=r"inputs must be a tuple .* got a Tensor of shape"):
        layer_macs(conv, x)
    with pytest.raises(TypeError, match=r"module must be a torch\.nn\.Module"):
        layer_macs(torch.relu, (x,))


def test_table_and_repr():
    result = summary("lenet5")
    text = str(result)
    assert text.splitlines()[0].split() == ["Layer", "(type)", "Output", "shape", "Params", "MACs"]
    assert "features.c1 (Conv2d)" in text and "Total params: 61,706" in text
    assert "Total MACs: 416,520" in text
    assert repr(result).startswith("ModelSummary(model='lenet5', input_size=(1, 1, 32, 32)")


def test_errors():
    with pytest.raises(ValueError, match=r"input_size must be a shape \(N, C, H, W\)"):
        summary(create_model("lenet5"))
    with pytest.raises(ValueError, match=r"input_size must be \(N, C, H, W\) for lenet5"):
        summary("lenet5", (32, 32))
    with pytest.raises(ValueError, match=r"must be \(N, C, H, W\) for resnet18, got \(3, 224"):
        summary("resnet18", (3, 224, 224))  # no batch: its 224 rows were taken for channels
    with pytest.raises(ValueError, match=r"depth must be an int >= 1, got 0"):
        summary("lenet5", depth=0)
    with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module"):
        summary(3)
    with pytest.raises(ValueError, match=r"at least 63x63 for AlexNet"):
        summary("alexnet", (1, 3, 32, 32))
    # batch norm refuses one value per channel in training mode: torch's ValueError, one line
    with pytest.raises(ValueError, match=r"accepts \(Expected more than 1 value per channel"):
        summary("resnet18", (1, 3, 8, 8))


def test_channels_from_input_size_and_shape_mismatch_is_one_line():
    assert summary("lenet5", (1, 3, 32, 32)).input_size == (1, 3, 32, 32)
    with pytest.raises(ValueError, match=r"input_size must be a shape this model accepts") as info:
        summary(torch.nn.Conv2d(3, 4, 3), (1, 1, 8, 8))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (999, "999"),
        (1_000, "1.000 K"),
        (416_520, "416.520 K"),
        (142_135_296, "142.135 M"),
        (1_814_073_344, "1.814 G"),
    ],
)
def test_mac_units_by_magnitude(count, text):
    assert _with_unit(count) == text


def test_geometry_and_memory_table():
    text = str(summary("resnet18", depth=1))
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Layer  "))
    assert header.split()[:9] == [
        "Layer", "Kernel", "Stride", "Groups", "Frozen", "Elementwise", "RF", "Jump", "Start"
    ]  # fmt: skip
    conv1 = next(line for line in lines if line.startswith("conv1 ") and "KiB" in line)
    assert conv1.split()[:9] == ["conv1", "7", "2", "1", "0", "0", "7", "2", "-3"]
    assert "Training step (adamw, batch 1): about" in text
    assert "MACs: convolution = output elements x C_in/groups x kernel volume" in text


def test_one_dimensional_models_and_plain_mlps():
    conv = torch.nn.Sequential(
        torch.nn.Conv1d(2, 4, 5, padding=2), torch.nn.MaxPool1d(2), torch.nn.Conv1d(4, 4, 3)
    )
    rows = summary(conv, (1, 2, 40)).rows
    assert [(r.kernel, r.stride, r.receptive_field, r.jump, r.start) for r in rows] == [
        ((5,), (1,), (5,), (1,), (-2,)),
        ((2,), (2,), (6,), (2,), (-2,)),
        ((3,), (1,), (10,), (2,), (-2,)),
    ]
    mlp = torch.nn.Sequential(torch.nn.Linear(20, 30), torch.nn.ReLU(), torch.nn.Linear(30, 5))
    result = summary(mlp, (4, 20))
    assert result.total_macs == 4 * (20 * 30 + 30 * 5)
    assert all(r.receptive_field is None for r in result.rows)


class DictHead(torch.nn.Module):
    """Returns a dict, as torchvision's segmentation models do, after work of its own."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return {"out": self.conv(x) * 2, "aux": None}  # (N, 4, H - 2, W - 2)


def test_a_model_returning_a_dict():
    result = summary(DictHead(), (1, 3, 8, 8))
    rows = {r.name: r for r in result.rows}
    assert rows["conv"].macs == result.total_macs == 4 * 36 * 27
    assert rows["(forward)"].output_shape == (1, 4, 6, 6)
    assert rows["(forward)"].elementwise == 4 * 36  # the doubling


class NestedOutput(torch.nn.Module):
    """Returns its result two lists deep: no tensor the summary can show, yet its work counts."""

    def forward(self, x):
        return [[torch.nn.functional.conv2d(x, torch.ones(2, 3, 3, 3))]]  # (N, 2, H-2, W-2)


def test_work_of_a_forward_with_no_tensor_output_still_has_its_row():
    row = summary(NestedOutput(), (1, 3, 5, 5)).rows[-1]
    assert (row.name, row.macs, row.output_shape) == ("(forward)", 9 * 27 * 2, ())
    assert row.kernel == (3, 3) and row.receptive_field is None


class DataDependent(torch.nn.Module):
    """Reads a value out of a tensor, which the meta device cannot give."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)

    def forward(self, x):
        y = self.conv(x)  # (N, 2, H - 2, W - 2)
        return y * float(y.detach().mean())  # .item() under the hood


def test_a_pass_the_meta_device_cannot_run_falls_back_to_the_model_device():
    model = DataDependent()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = summary(model, (1, 1, 6, 6))
    assert result.total_macs == 16 * 2 * 9
    assert result.rows[0].receptive_field == (3, 3)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_to_dict_is_json():
    import json

    data = json.loads(json.dumps(summary("lenet5", (2, 1, 32, 32)).to_dict()))
    assert data["total_macs"] == 2 * 416_520 and data["rows"][0]["name"] == "features"
    assert data["training"]["peak"] >= data["training"]["parameters"]
    assert data["saved_bytes"] == data["training"]["saved_activations"]
