"""Transfer learning: frozen layers stay bit-identical, normalisation statistics included."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from convolab.data import BatchLoader, ImageArrays, Preprocess
from convolab.models import create_model
from convolab.train import TrainConfig, fit
from convolab.train._engine import Step, train_epoch
from convolab.train._freeze import freeze_until
from convolab.train._progress import Progress


@pytest.fixture(scope="module")
def lenet_weights(tmp_path_factory, short_run):
    path = tmp_path_factory.mktemp("freeze") / "lenet.pth"
    torch.save(short_run.model.state_dict(), path)
    return path


@pytest.mark.parametrize(
    "layer, trained",
    [
        ("head", ["classifier.output"]),
        ("features.c5", ["features.c5", "classifier.f6", "classifier.output"]),
        ("classifier", ["classifier.f6", "classifier.output"]),
    ],
)
def test_frozen_lenet_layers_are_bit_identical_after_fit(small_data, lenet_weights, layer, trained):
    before = torch.load(lenet_weights, weights_only=True)
    config = TrainConfig(epochs=2, weights=str(lenet_weights), freeze_until=layer, device="cpu")
    after = fit(config, data=small_data()).model.state_dict()
    for name, tensor in before.items():
        moved = not torch.equal(after[name], tensor)
        assert moved == any(name.startswith(t + ".") for t in trained), name


def _bn_batches(n=8, size=64):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    return ImageArrays(images, np.arange(n) % 4)


def test_frozen_resnet_keeps_weights_and_batchnorm_statistics():
    torch.manual_seed(0)
    model = create_model("resnet18", num_classes=4)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    frozen = freeze_until(model, "layer3")
    assert frozen.layer == "layer3" and "bn1.weight" in frozen.parameters
    assert not any(n.startswith(("layer3.", "layer4.", "fc.")) for n in frozen.parameters)
    prep = Preprocess((64, 64), 3, (0.5,) * 3, (0.25,) * 3, "resize")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=0.01, weight_decay=0.1)  # decay would move them
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
    step = Step(model, torch.device("cpu"), prep, optimizer, schedule, frozen_norms=frozen.norms)
    loader = BatchLoader(_bn_batches(), 4, shuffle=True)
    progress = Progress(len(loader), "test", False, stream=io.StringIO())
    train_epoch(step, loader, torch.Generator().manual_seed(0), progress)
    after = model.state_dict()
    early = ("conv1.", "bn1.", "layer1.", "layer2.")
    for name, tensor in before.items():
        same = torch.equal(after[name], tensor)
        assert same == name.startswith(early), name  # running stats of layer3+ do move
    assert model.layer3[0].bn1.training and not model.layer2[0].bn1.training


def test_head_and_errors():
    model = create_model("lenet5")
    frozen = freeze_until(model, "head")
    assert frozen.layer == "classifier.output"
    assert [n for n, p in model.named_parameters() if p.requires_grad] == [
        "classifier.output.weight",
        "classifier.output.bias",
    ]
    assert frozen.count == sum(p.numel() for p in model.parameters()) - 84 * 10 - 10
    with pytest.raises(ValueError, match=r"freeze_until must be 'head' or the name of a layer"):
        freeze_until(create_model("resnet18"), "layer9")
    with pytest.raises(ValueError, match=r"freeze_until must be None without weights"):
        TrainConfig(freeze_until="head")
