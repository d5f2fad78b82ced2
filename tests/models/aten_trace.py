"""Test oracle: the ATen operators a model runs, proof that two implementations do the same work.

Two models whose forward (and backward) dispatch the same operators in the same order run the
same kernels, so any timing difference between them is noise. Run on the ``meta`` device the
trace costs no arithmetic.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode


class _OpLog(TorchDispatchMode):
    """Records the name of every ATen operator dispatched while active."""

    def __init__(self):
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(str(func))
        return func(*args, **(kwargs or {}))


def aten_ops(model: nn.Module, x: torch.Tensor, backward: bool = False) -> list[str]:
    """ATen operators run by ``model(x)`` (and ``.sum().backward()`` when ``backward``).

    Runs in the model's current mode (train or eval); ``x`` is cloned so that gradients
    accumulated by an earlier call do not change the trace.
    """
    x = x.detach().clone().requires_grad_(backward)
    with _OpLog() as log:
        out = model(x)
        if backward:
            out.sum().backward()
    return log.ops
