"""One training-mode forward pass, watched at the operator level and per module.

A :class:`~torch.utils._python_dispatch.TorchDispatchMode` sees every ATen operator the pass
runs, wherever it is called (an ``nn.Conv2d``, a ``F.conv2d`` or an ``@`` in a ``forward``),
and charges it to the innermost module running at that moment, so a parent's total is its
children's plus its own operators and nothing is counted twice. Forward hooks keep the stack
of running modules and record their outputs; a saved-tensor hook records what autograd keeps
for the backward pass. The pass runs on the ``meta`` device when it can: shapes only, no
memory and no arithmetic, whatever the model's size.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.weak import WeakIdKeyDictionary

from convolab.models._memory import ConvBackward, backend_copy_bytes, storage_bytes, storage_key
from convolab.models._ops import Window, op_cost
from convolab.models._receptive import UNIT, propagate


@dataclass
class ModuleRecord:
    """What one module did during the pass; counts are its own operators only."""

    calls: int = 0
    output: torch.Tensor | None = None  # of the last call
    output_bytes: int = 0  # summed over calls
    macs: int = 0
    elementwise: int = 0
    saved_bytes: int = 0
    windows: list[Window] = field(default_factory=list)
    fields: object = None  # receptive fields of the last output (see _receptive.propagate)


@dataclass
class Walk:
    """Records of a pass: modules in call order (the root is ``""``) and the whole pass."""

    order: list[str]
    records: dict[str, ModuleRecord]
    activation_bytes: int  # the input and every new tensor an operator produced
    saved_by_op: list[tuple[int, int]]  # (operator index, bytes) of each saved storage
    convolutions: list[ConvBackward]


def _outputs(out) -> list[torch.Tensor]:
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (list, tuple)):
        return [t for t in out if isinstance(t, torch.Tensor)]
    return []


class _Watcher(TorchDispatchMode):
    """Charges each operator to the innermost running module; follows receptive fields."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # torch wraps a mode's __torch_dispatch__ in dynamo.disable, whose first call imports
        # torch._dynamo (2-4 s); this mode is never compiled, so it opts out.
        return False

    def __init__(self, model_state: list[torch.Tensor]):
        super().__init__()
        self.stack = [""]
        self.records: dict[str, ModuleRecord] = {"": ModuleRecord()}
        self.order: list[str] = []
        self.fields = WeakIdKeyDictionary()
        self.ops = 0
        self.activation_bytes = 0
        self.saved_by_op: list[tuple[int, int]] = []
        self.convolutions: list[ConvBackward] = []
        self.saved = {storage_key(t) for t in model_state}  # parameters count apart
        self.kept: list[torch.Tensor] = []  # saved tensors alive to the end: keys stay unique

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.ops += 1
        cost = op_cost(func, args, out)
        record = self.records[self.stack[-1]]
        record.macs += cost.macs
        record.elementwise += cost.elementwise
        if cost.window is not None:
            record.windows.append(cost.window)
            if cost.window.kind != "pool":
                self._convolution(args[0], out)
        fields = propagate(func, args, out, cost.window, self.fields.get)
        inputs = {storage_key(a) for a in args if isinstance(a, torch.Tensor)}
        for tensor in _outputs(out):
            if fields is not None:
                self.fields[tensor] = fields
            if storage_key(tensor) not in inputs:
                self.activation_bytes += storage_bytes(tensor)
        return out

    def _convolution(self, x: torch.Tensor, out: torch.Tensor) -> None:
        grads = out.nbytes + (x.nbytes if x.requires_grad else 0)
        self.convolutions.append(ConvBackward(self.ops, grads, backend_copy_bytes(out)))

    def pack(self, tensor: torch.Tensor) -> torch.Tensor:
        """Saved-tensor hook: a storage autograd keeps, charged once, to the running module."""
        key = storage_key(tensor)
        if key not in self.saved:
            self.saved.add(key)
            self.kept.append(tensor)
            size = storage_bytes(tensor)
            self.saved_by_op.append((self.ops, size))
            self.records[self.stack[-1]].saved_bytes += size
        return tensor

    def enter(self, name: str) -> None:
        if name not in self.records:
            self.records[name] = ModuleRecord()
            self.order.append(name)
        self.records[name].calls += 1
        self.stack.append(name)

    def leave(self, name: str, output) -> None:
        self.stack.pop()
        tensors = _outputs(output)
        if tensors:
            record = self.records[name]
            record.output = tensors[0]
            record.output_bytes += sum(t.nbytes for t in tensors)
            record.fields = self.fields.get(tensors[0])


def _stand_in(tensor: torch.Tensor, device: torch.device, parameter: bool) -> torch.Tensor:
    """Shapes only on ``meta``; else the parameter itself (detached) or a buffer's copy."""
    if device.type == "meta":
        copy = torch.empty_like(tensor, device="meta")
    else:
        copy = tensor.detach() if parameter else tensor.clone()
    return nn.Parameter(copy, tensor.requires_grad) if parameter else copy


@contextmanager
def _stand_ins(model: nn.Module, device: torch.device):
    """Parameters and buffers swapped for stand-ins during the pass, restored after it.

    The model's own tensors are never touched: batch norm's running statistics are updated
    on the stand-ins. A tensor shared by two modules (tied weights) gets one stand-in.
    """
    made: dict[int, torch.Tensor] = {}
    swapped = []
    for module in model.modules():
        for table in (module._parameters, module._buffers):
            for name, tensor in table.items():
                if tensor is None:
                    continue
                if id(tensor) not in made:
                    made[id(tensor)] = _stand_in(tensor, device, table is module._parameters)
                swapped.append((table, name, tensor))
                table[name] = made[id(tensor)]
    try:
        yield list(made.values())
    finally:
        for table, name, tensor in swapped:
            table[name] = tensor


def _hook(model: nn.Module, watcher: _Watcher) -> list:
    handles = []
    for name, module in model.named_modules():
        handles.append(module.register_forward_pre_hook(lambda m, a, n=name: watcher.enter(n)))
        handles.append(module.register_forward_hook(lambda m, a, o, n=name: watcher.leave(n, o)))
    return handles


def walk_on(model: nn.Module, size: tuple[int, ...], device: torch.device) -> Walk:
    """Run ``model`` once in training mode on zeros of ``size`` on ``device``, watched.

    The model's mode is restored afterwards; its parameters and buffers are swapped for
    stand-ins during the pass (see :func:`_stand_ins`), so nothing of it changes.
    """
    x = torch.zeros(size, device=device)
    handles = []
    was_training = model.training
    try:
        with _stand_ins(model, device) as state:
            watcher = _Watcher(state)
            watcher.activation_bytes = storage_bytes(x)  # the batch itself is held too
            watcher.fields[x] = (None, None) + (UNIT,) * (len(size) - 2)  # (N, C, *spatial)
            handles = _hook(model, watcher)
            model.train()
            hooks = torch.autograd.graph.saved_tensors_hooks(watcher.pack, lambda t: t)
            with torch.enable_grad(), hooks, watcher:
                out = model(x)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    del out  # kept until here: the graph holds the saved storages the watcher told apart
    records = watcher.records
    return Walk(
        watcher.order,
        records,
        watcher.activation_bytes,
        watcher.saved_by_op,
        watcher.convolutions,
    )
