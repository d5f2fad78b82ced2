"""The summary's rows and totals, built from the records of one watched pass."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from torch import nn

from convolab.models._memory import TrainingMemory
from convolab.models._receptive import Field
from convolab.models._table import format_summary, with_unit
from convolab.models._walk import ModuleRecord, Walk

FORWARD_ROW = "(forward)"  # operators the model's own forward runs outside any sub-module

Ints = tuple[int, ...]


@dataclass(frozen=True)
class SummaryRow:
    """One module of the summary; counts include the module's children."""

    name: str  # dotted module name, e.g. 'layer1.0.conv1'
    type: str  # class name, e.g. 'Conv2d'
    depth: int  # 1 for the model's children, 2 for theirs, ...
    output_shape: Ints  # shape of the (last) output, batch included; () if no tensor
    params: int  # parameters of the module and its children
    macs: int  # multiply-accumulates of every operator it ran, for this input
    trainable: int = 0  # parameters with requires_grad (the rest are frozen)
    elementwise: int = 0  # bias, normalisation, activation, pooling ... operations
    kernel: Ints | None = None  # of the convolution or pooling it runs itself, if one
    stride: Ints | None = None
    groups: int | None = None
    receptive_field: Ints | None = None  # input cells one output cell sees, per dimension
    jump: Ints | None = None  # input distance between adjacent output cells
    start: Ints | None = None  # input index of output cell 0's first cell (< 0: padding)
    param_bytes: int = 0
    output_bytes: int = 0  # of its outputs, summed over calls
    saved_bytes: int = 0  # activations autograd keeps for the backward pass
    calls: int = 1


@dataclass(frozen=True)
class ModelSummary:
    """Rows of a summary and its totals; ``str()`` gives the table, ``to_dict()`` the JSON."""

    model: str  # model name or class name
    input_size: Ints  # input shape, batch included
    rows: tuple[SummaryRow, ...]
    total_params: int
    trainable_params: int
    total_macs: int
    total_elementwise: int = 0
    activation_bytes: int = 0  # the input and every tensor the forward's operators produce
    training: TrainingMemory | None = None  # the training-step memory estimate

    @property
    def macs_text(self) -> str:
        """Total MACs in K, M or G by magnitude, e.g. ``"1.814 G"``."""
        return with_unit(self.total_macs)

    @property
    def saved_bytes(self) -> int:
        """Activations saved for the backward pass, over the whole model."""
        return self.training.saved_activations if self.training else 0

    def __repr__(self) -> str:
        return (
            f"ModelSummary(model={self.model!r}, input_size={self.input_size}, "
            f"rows={len(self.rows)}, total_params={self.total_params:,}, "
            f"total_macs={self.total_macs:,})"
        )

    def __str__(self) -> str:
        return format_summary(self)

    def to_dict(self) -> dict:
        """Plain data for ``json.dumps``: rows, totals and the training-step estimate."""
        data = asdict(self)
        if self.training is not None:
            data["training"]["peak"] = self.training.peak
        data["saved_bytes"] = self.saved_bytes
        return data


def subtree(records: dict[str, ModuleRecord], name: str, attribute: str) -> int:
    """Sum of ``attribute`` over module ``name`` (``""``: the model) and its descendants."""
    prefix = name + "." if name else ""
    return sum(
        getattr(r, attribute) for n, r in records.items() if n == name or n.startswith(prefix)
    )


def _window(record: ModuleRecord):
    """Kernel, stride and groups of the one window a module runs itself, else Nones."""
    if len(set(record.windows)) != 1:
        return None, None, None
    w = record.windows[0]
    if record.output is None:  # no tensor output to tell a 1-D pooling's true dimensions
        return w.kernel, w.stride, w.groups
    spatial = max(record.output.dim() - 2, 1)  # 1-D pooling runs as 2-D on (N, C, 1, L)
    return w.kernel[-spatial:], w.stride[-spatial:], w.groups


def _fields(record: ModuleRecord):
    """Size, jump and start per spatial dimension of a module's output, or Nones."""
    fields = record.fields
    spatial = [f for f in fields if isinstance(f, Field)] if isinstance(fields, tuple) else []
    if not spatial:
        return None, None, None
    return (
        tuple(f.size for f in spatial),
        tuple(f.jump for f in spatial),
        tuple(f.start for f in spatial),
    )


def _row(name: str, module: nn.Module, records: dict, recurse: bool = True) -> SummaryRow:
    params = list(module.parameters(recurse=recurse))
    record = records[name]
    totals = {a: subtree(records, name, a) for a in ("macs", "elementwise", "saved_bytes")}
    if not recurse:  # the model's own operators only
        totals = {a: getattr(record, a) for a in totals}
    kernel, stride, groups = _window(record)
    size, jump, start = _fields(record)
    return SummaryRow(
        name=name or FORWARD_ROW,
        type=type(module).__name__,
        depth=name.count(".") + 1,
        output_shape=() if record.output is None else tuple(record.output.shape),
        params=sum(p.numel() for p in params),
        macs=totals["macs"],
        trainable=sum(p.numel() for p in params if p.requires_grad),
        elementwise=totals["elementwise"],
        kernel=kernel,
        stride=stride,
        groups=groups,
        receptive_field=size,
        jump=jump,
        start=start,
        param_bytes=sum(p.numel() * p.element_size() for p in params),
        output_bytes=record.output_bytes,
        saved_bytes=totals["saved_bytes"],
        calls=record.calls,
    )


def make_rows(model: nn.Module, walk: Walk, depth: int) -> tuple[SummaryRow, ...]:
    """One row per module called, in call order, down to ``depth``; then the model's own
    operators (``FORWARD_ROW``) when its forward computes or saves anything itself."""
    modules = dict(model.named_modules())
    records = walk.records
    rows = [
        _row(name, modules[name], records)
        for name in walk.order
        if records[name].output is not None and name.count(".") < depth
    ]
    own = records[""]
    if own.macs or own.elementwise or own.saved_bytes or list(model.parameters(recurse=False)):
        rows.append(_row("", model, records, recurse=False))
    return tuple(rows)
