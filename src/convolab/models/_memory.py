"""Memory of a model: activations saved for backward and a training-step estimate.

Saved activations are what autograd keeps between the forward and the backward pass, seen
through :func:`torch.autograd.graph.saved_tensors_hooks` on a training-mode forward; each
storage counts once (a ReLU output saved by the ReLU and by the next convolution is one
tensor in memory), and parameters and buffers count as parameters, not activations.

The training-step estimate (one forward, backward and optimizer step, on the CPU) is the
larger of the memory held at two moments, on top of the parameters and the optimizer state:

    forward/backward:  gradients + max(saved activations, max over convolutions of
                       [saved up to it + its output and input gradients + backend copy])
    optimizer step:    gradients + optimizer temporaries

Gradients are counted whole at both moments (torch allocates the classifier's first, while
the activations are still held). The backend copy is the output gradient that oneDNN, torch's
CPU convolution library, reorders into blocks of 16 channels (8 without AVX-512) during a
convolution's backward pass; Adam and AdamW's per-tensor update (torch's default on the CPU)
holds two temporaries of the size of the parameter it updates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.multiprocessing.reductions import StorageWeakRef

# Optimizer -> (state tensors per trainable parameter, temporaries in largest parameters).
OPTIMIZERS = {
    "sgd": (0, 0),
    "sgd+momentum": (1, 0),  # the momentum buffer, updated in place
    "adam": (2, 2),  # exp_avg, exp_avg_sq; sqrt(exp_avg_sq) and its quotient
    "adamw": (2, 2),
}


def storage_key(tensor: torch.Tensor) -> StorageWeakRef:
    """Identity of the memory a tensor lives in (views of one tensor share it)."""
    return StorageWeakRef(tensor.untyped_storage())


def storage_bytes(tensor: torch.Tensor) -> int:
    return tensor.untyped_storage().nbytes()


def channel_block() -> int:
    """Channels per block of oneDNN's blocked layouts on this CPU (one vector register)."""
    return 16 if torch.backends.cpu.get_cpu_capability().startswith("AVX512") else 8


def backend_copy_bytes(out: torch.Tensor) -> int:
    """Bytes of a convolution output gradient reordered into channel blocks (N, C, *spatial)."""
    block = channel_block()
    channels = -(-out.shape[1] // block) * block
    return out.shape[0] * channels * math.prod(out.shape[2:]) * out.element_size()


@dataclass(frozen=True)
class ConvBackward:
    """What one convolution's backward pass holds besides the parameters and gradients."""

    op_index: int  # position of the convolution among the forward pass's operators
    grad_bytes: int  # gradients of its output and (when needed) of its input
    copy_bytes: int  # oneDNN's blocked copy of the output gradient


@dataclass(frozen=True)
class TrainingMemory:
    """Bytes of one training step; ``peak`` is the estimate (see the module docstring)."""

    optimizer: str
    parameters: int  # every parameter
    gradients: int  # trainable parameters
    optimizer_state: int
    saved_activations: int
    backward_working_set: int  # largest (saved so far + gradients + copy) of a convolution
    optimizer_temporaries: int

    @property
    def peak(self) -> int:
        held = max(self.saved_activations, self.backward_working_set)
        moment = max(held, self.optimizer_temporaries)
        return self.parameters + self.optimizer_state + self.gradients + moment


def training_memory(
    model: torch.nn.Module,
    optimizer: str,
    saved_by_op: list[tuple[int, int]],
    convolutions: list[ConvBackward],
) -> TrainingMemory:
    """The estimate for ``model`` from the pass's saved tensors and convolutions.

    ``saved_by_op`` lists ``(op_index, bytes)`` for every newly saved storage, in order.
    """
    states, temporaries = OPTIMIZERS[optimizer]
    params = _unique(model.parameters())
    trainable = [p for p in params if p.requires_grad]
    grads = sum(storage_bytes(p) for p in trainable)
    largest = max((storage_bytes(p) for p in trainable), default=0)
    working = max(
        (
            sum(b for i, b in saved_by_op if i <= c.op_index) + c.grad_bytes + c.copy_bytes
            for c in convolutions
        ),
        default=0,
    )
    return TrainingMemory(
        optimizer,
        sum(storage_bytes(p) for p in params),
        grads,
        states * grads,
        sum(b for _, b in saved_by_op),
        working,
        temporaries * largest,
    )


def _unique(tensors) -> list[torch.Tensor]:
    """Tensors with distinct storages (tied weights count once)."""
    seen, result = set(), []
    for t in tensors:
        key = storage_key(t)
        if key not in seen:
            seen.add(key)
            result.append(t)
    return result


def bytes_text(count: int) -> str:
    """Bytes in B, KiB, MiB or GiB by magnitude, e.g. 1,572,864 -> ``"1.50 MiB"``."""
    for shift, unit in ((30, "GiB"), (20, "MiB"), (10, "KiB")):
        if count >= 1 << shift:
            return f"{count / (1 << shift):.2f} {unit}"
    return f"{count} B"
