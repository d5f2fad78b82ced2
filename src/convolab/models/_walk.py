"""One training-mode forward pass, watched at the operator level and per module.

A :class:`~torch.utils._python_dispatch.TorchDispatchMode` sees every ATen operator the pass
runs, wherever it is called (an ``nn.Conv2d``, a ``F.conv2d`` or an ``@`` in a ``forward``),
and charges it to the innermost module running at that moment, so a parent's total is its
children's plus its own operators and nothing is counted twice. Forward hooks keep the stack
of running modules and record their outputs; a saved-tensor hook records what autograd keeps
for the backward pass. The pass runs on the ``meta`` device when it can: shapes only, no
memory and no arithmetic, whatever the model's size.

:func:`watch` runs the same watcher once in eval mode on a real input and also records the
operator graph: every operator computed from the input, the operators its arguments came from
and its output (``convolab explain`` draws and explains a model from it). An output that a
later in-place operator (``relu_``, ``+=``) overwrote is marked stale and computed again from
its producers when asked for (:meth:`Graph.value`): copying every such output during the
pass would cost more than the pass's convolutions on a ResNet-50.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.weak import WeakIdKeyDictionary

from convolab.models._memory import ConvBackward, backend_copy_bytes, storage_bytes, storage_key
from convolab.models._ops import Window, op_cost, op_name
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


@dataclass
class OpCall:
    """One operator computed from the model's input, as :func:`watch` records it."""

    func: object  # the ATen overload, e.g. aten.convolution.default
    module: str  # the innermost module running it ("": the model's own forward)
    args: tuple  # its arguments as given (parameters, constants and activations)
    kwargs: dict
    sources: tuple[tuple[int, int], ...]  # (argument position, producer) per activation
    output: torch.Tensor  # its first output as the pass left it
    fields: object = None  # receptive fields of the output (see _receptive.propagate)
    window: Window | None = None
    stale: bool = False  # a later in-place operator wrote into ``output``

    @property
    def name(self) -> str:
        return op_name(self.func)


INPUT = -1  # the producer of the model's input


@dataclass
class Graph:
    """The operators of one eval-mode pass computed from its input, in the order they ran.

    ``calls[i].sources`` name producers by index into ``calls`` (:data:`INPUT`: the input).
    """

    input: torch.Tensor  # (N, C, *spatial)
    calls: list[OpCall]
    output: torch.Tensor  # the model's output
    producer: int | None  # the call that made the output (None: not computed from the input)
    escaped: list[str]  # operators that took a value out of the graph (.item(), .tolist())
    _replayed: dict = field(default_factory=dict, repr=False)

    def value(self, index: int) -> torch.Tensor:
        """The output of call ``index`` as the operator computed it (INPUT: the input)."""
        if index == INPUT:
            return self.input
        call = self.calls[index]
        if not call.stale:
            return call.output
        if index not in self._replayed:
            self._replayed[index] = self.replay(call)
        return self._replayed[index]

    def replay(self, call: OpCall) -> torch.Tensor:
        """``call`` run again on its producers' values (copies: in-place operators write)."""
        args = [list(a) if isinstance(a, (list, tuple)) else a for a in call.args]
        filled: dict[int, int] = {}
        for position, producer in call.sources:
            value = self.value(producer).clone()
            if isinstance(args[position], list):  # cat's list, activations in order
                slot = next(
                    i for i, t in enumerate(args[position])
                    if isinstance(t, torch.Tensor) and i >= filled.get(position, 0)
                )  # fmt: skip
                args[position][slot] = value
                filled[position] = slot + 1
            else:
                args[position] = value
        with torch.no_grad():
            out = call.func(*[tuple(a) if isinstance(a, list) else a for a in args], **call.kwargs)
        return _outputs(out)[0]


class _Recorder:
    """Builds the :class:`Graph`: who produced each tensor, and each call's inputs."""

    def __init__(self, x: torch.Tensor):
        self.calls: list[OpCall] = []
        self.producers = WeakIdKeyDictionary({x: INPUT})
        self.by_storage: dict = {}  # storage -> calls whose recorded output lives in it
        self.escaped: list[str] = []

    def before(self, func, args) -> None:
        """An in-place operator is about to write: the outputs it overwrites become stale."""
        if not func._schema.is_mutable:
            return
        for arg, schema in zip(args, func._schema.arguments):
            written = schema.alias_info is not None and schema.alias_info.is_write
            if written and isinstance(arg, torch.Tensor):
                for index in self.by_storage.pop(storage_key(arg), []):
                    self.calls[index].stale = True

    def record(self, func, args, kwargs, out, fields, window, module: str) -> None:
        sources = []
        for position, arg in enumerate(args):
            for tensor in arg if isinstance(arg, (list, tuple)) else [arg]:
                if isinstance(tensor, torch.Tensor) and tensor in self.producers:
                    sources.append((position, self.producers[tensor]))
        tensors = _outputs(out)
        if not tensors:  # a number out of a tensor (.item()): the graph loses the value
            self.escaped.append(op_name(func))
            return
        index = len(self.calls)
        for tensor in tensors:
            self.producers[tensor] = index
        self.by_storage.setdefault(storage_key(tensors[0]), []).append(index)
        call = OpCall(func, module, args, kwargs, tuple(sources), tensors[0], fields, window)
        self.calls.append(call)


def _outputs(out) -> list[torch.Tensor]:
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, Mapping):  # a module's dict of outputs (torchvision's segmentation)
        out = list(out.values())
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

    def __init__(self, model_state: list[torch.Tensor], recorder: _Recorder | None = None):
        super().__init__()
        self.recorder = recorder
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
        if self.recorder is not None:
            self.recorder.before(func, args)
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
        if self.recorder is not None and fields is not None:  # computed from the input
            module = self.stack[-1]
            self.recorder.record(func, args, kwargs or {}, out, fields, cost.window, module)
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

    The zeros take the dtype of the model's first floating-point parameter (torch's default
    dtype if it has none). The model's mode is restored afterwards; its parameters and buffers
    are swapped for stand-ins during the pass (see :func:`_stand_ins`), so nothing changes.
    """
    floats = (p.dtype for p in model.parameters() if p.is_floating_point())
    x = torch.zeros(size, device=device, dtype=next(floats, torch.get_default_dtype()))
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


def watch(model: nn.Module, x: torch.Tensor) -> Graph:
    """Run ``model(x)`` once in eval mode without gradients and record its operator graph.

    Every operator computed from ``x`` is recorded with the producers of its arguments, its
    output and the receptive fields of its output; :meth:`Graph.value` gives an output as
    computed, before any in-place operator (``relu_``, ``+=``) wrote into it. The model's
    mode is restored afterwards; nothing of it changes (eval-mode batch norm does not
    update its statistics).
    """
    x = x.detach()
    fed = x.clone()  # a model that writes into its input leaves ``x`` intact
    recorder = _Recorder(fed)
    watcher = _Watcher([], recorder)
    watcher.fields[fed] = (None, None) + (UNIT,) * (x.dim() - 2)  # (N, C, *spatial)
    handles = _hook(model, watcher)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad(), watcher:
            out = model(fed)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    output = _outputs(out)[0] if _outputs(out) else out
    producer = recorder.producers.get(output) if isinstance(output, torch.Tensor) else None
    return Graph(x, recorder.calls, output, producer, recorder.escaped)
