"""Memory of the summary: saved activations against a real forward pass, the training-step
estimate against the peak measured on this CPU (see ``peak_memory.py`` for how)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.multiprocessing.reductions import StorageWeakRef

from convolab.models import create_model, model_info, summary
from convolab.models._memory import OPTIMIZERS, bytes_text

PEAK_SCRIPT = Path(__file__).with_name("peak_memory.py")


def saved_on_a_real_pass(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes autograd keeps for backward in a CPU training-mode forward, by
    ``saved_tensors_hooks``: distinct storages, parameters and buffers left out."""
    state = {StorageWeakRef(t.untyped_storage()) for t in [*model.parameters(), *model.buffers()]}
    saved = {}

    def pack(tensor):
        key = StorageWeakRef(tensor.untyped_storage())
        if key not in state and key not in saved:
            saved[key] = tensor  # kept alive: no storage address is reused during the pass
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model.train()(x)
    return sum(t.untyped_storage().nbytes() for t in saved.values())


class Mixed(nn.Module):
    """Dropout, max pooling (int64 indices), a tied weight used twice, an in-place ReLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(8 * 4 * 4, 8 * 4 * 4)

    def forward(self, x):
        x = torch.relu_(self.pool(self.conv(x)))  # (N, 8, 4, 4)
        x = self.drop(x.flatten(1))
        return self.fc(self.fc(x))


@pytest.mark.parametrize(
    ("model", "size"),
    [
        ("lenet5", (4, 1, 32, 32)),
        ("resnet18", (2, 3, 64, 48)),
        ("vgg11_bn", (1, 3, 64, 64)),
        ("alexnet", (2, 3, 96, 96)),
        (Mixed, (3, 3, 8, 8)),
    ],
)
def test_saved_bytes_equal_saved_tensors_hooks_on_a_real_pass(model, size):
    module = create_model(model) if isinstance(model, str) else model()
    result = summary(module, size, depth=99)
    assert result.saved_bytes == saved_on_a_real_pass(module, torch.randn(size))
    top = [r for r in result.rows if r.depth == 1]
    assert sum(r.saved_bytes for r in top) == result.saved_bytes  # each storage charged once


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_the_input_takes_the_model_dtype(dtype):
    """A float64 or bfloat16 model is walked on an input of its own dtype: same MACs, bytes
    scaled by the element size, saved bytes as a real pass of that dtype."""
    size = (2, 3, 8, 8)
    model = Mixed().to(dtype)
    result, reference = summary(model, size), summary(Mixed(), size)
    assert result.total_macs == reference.total_macs
    scale = torch.finfo(dtype).bits / 32
    assert result.saved_bytes == saved_on_a_real_pass(model, torch.randn(size, dtype=dtype))
    assert result.training.parameters == scale * reference.training.parameters
    conv = nn.Conv2d(3, 4, 3)
    plain = summary(conv, size).activation_bytes  # the input and the output, no int64 indices
    assert summary(conv.to(dtype), size).activation_bytes == scale * plain


def test_summary_leaves_the_model_unchanged():
    model = create_model("resnet18").eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    summary(model, (2, 3, 32, 32))
    assert not model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.device.type == "cpu" for p in model.parameters())


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_training_parts_closed_form(optimizer):
    result = summary("resnet18", (1, 3, 64, 64), optimizer=optimizer)
    t, params = result.training, 11_689_512 * 4
    assert t.parameters == t.gradients == params
    states = {"sgd": 0, "sgd+momentum": 1, "adam": 2, "adamw": 2}[optimizer]
    assert t.optimizer_state == states * params
    largest = 512 * 512 * 9 * 4  # layer4's 3x3 convolutions
    assert t.optimizer_temporaries == (2 * largest if optimizer.startswith("adam") else 0)
    assert t.peak == t.parameters + t.optimizer_state + t.gradients + max(
        t.saved_activations, t.backward_working_set, t.optimizer_temporaries
    )


def test_frozen_parameters_need_no_gradient_or_state():
    model = create_model("lenet5")
    for p in model.features.parameters():
        p.requires_grad_(False)
    result = summary(model, (1, 1, 32, 32))
    frozen = sum(p.numel() for p in model.features.parameters())
    assert result.trainable_params == result.total_params - frozen
    assert result.training.gradients == 4 * result.trainable_params
    assert result.training.optimizer_state == 2 * result.training.gradients
    assert {r.name: r.params - r.trainable for r in result.rows}["features"] == frozen


def measured_peak(name: str, batch: int, size: int, optimizer: str) -> int:
    """The peak of one training step, in a fresh single-threaded process."""
    argv = [sys.executable, str(PEAK_SCRIPT), name, str(batch), str(size), optimizer]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_bytes"]


CASES = [
    ("lenet5", 16, 32),
    ("lenet5", 256, 32),
    ("resnet18", 2, 224),
    ("resnet18", 8, 224),
    ("vgg11", 1, 224),
    ("vgg11", 4, 224),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "batch", "size"), CASES)
@pytest.mark.parametrize("optimizer", ["adamw", "sgd+momentum"])
def test_training_step_estimate_within_10_percent_of_the_measured_peak(
    name, batch, size, optimizer
):
    channels = model_info(name).in_channels
    estimate = summary(name, (batch, channels, size, size), optimizer=optimizer).training.peak
    peak = measured_peak(name, batch, size, optimizer)
    assert abs(estimate / peak - 1) <= 0.10, (bytes_text(estimate), bytes_text(peak))
