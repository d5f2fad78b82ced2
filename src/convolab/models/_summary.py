"""A per-layer summary of a model: output shapes, parameters and multiply-accumulates.

One forward pass with hooks records every module's output shape; models built by name run
on the ``meta`` device, so even VGG-19 costs no memory and no arithmetic. MACs follow the
convention behind torchvision's published GFLOPS (fvcore's): convolutions
``out_elements * (C_in / groups) * prod(kernel)``, transposed convolutions
``in_elements * (C_out / groups) * prod(kernel)``, dense layers ``out_elements * in_features``;
bias, normalisation, activations and pooling count zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from convolab._args import invalid, is_int, is_sequence, wrong_type


@dataclass(frozen=True)
class SummaryRow:
    """One module of the summary."""

    name: str  # dotted module name, e.g. 'layer1.0.conv1'
    type: str  # class name, e.g. 'Conv2d'
    depth: int  # 1 for the model's children, 2 for theirs, ...
    output_shape: tuple[int, ...]  # shape of the (last) output, batch included
    params: int  # parameters of the module and its children
    macs: int  # multiply-accumulates of the module and its children, for this input


@dataclass(frozen=True)
class ModelSummary:
    """Rows of a summary and its totals; ``str()`` gives the table."""

    model: str  # model name or class name
    input_size: tuple[int, ...]  # input shape, batch included
    rows: tuple[SummaryRow, ...]
    total_params: int
    trainable_params: int
    total_macs: int

    def __repr__(self) -> str:
        return (
            f"ModelSummary(model={self.model!r}, input_size={self.input_size}, "
            f"rows={len(self.rows)}, total_params={self.total_params:,}, "
            f"total_macs={self.total_macs:,})"
        )

    @property
    def macs_text(self) -> str:
        """Total MACs in K, M or G by magnitude, e.g. ``"1.814 G"``."""
        return _with_unit(self.total_macs)

    def __str__(self) -> str:
        header = ("Layer (type)", "Output shape", "Params", "MACs")
        cells = [
            (
                "  " * (r.depth - 1) + f"{r.name} ({r.type})",
                "x".join(str(s) for s in r.output_shape),
                f"{r.params:,}",
                f"{r.macs:,}",
            )
            for r in self.rows
        ]
        widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]
        lines = [_format_row(header, widths), "-" * (sum(widths) + 6)]
        lines += [_format_row(c, widths) for c in cells]
        lines += [
            "-" * (sum(widths) + 6),
            f"Input: {'x'.join(str(s) for s in self.input_size)} ({self.model})",
            f"Total params: {self.total_params:,} (trainable {self.trainable_params:,})",
            f"Total MACs: {self.total_macs:,} ({self.macs_text})",
        ]
        return "\n".join(lines)


def _with_unit(count: int) -> str:
    """``count`` in K, M or G by magnitude, e.g. 416,520 -> ``"416.520 K"``."""
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if count >= scale:
            return f"{count / scale:.3f} {unit}"
    return str(count)


def _format_row(cells, widths) -> str:
    first = cells[0].ljust(widths[0])
    return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:]))])


def layer_macs(module: nn.Module, inputs: tuple, output: torch.Tensor) -> int:
    """Multiply-accumulates of one call of a leaf module (see the module docstring)."""
    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        per_input = module.out_channels // module.groups * math.prod(module.kernel_size)
        return inputs[0].numel() * per_input
    if isinstance(module, nn.modules.conv._ConvNd):
        per_output = module.in_channels // module.groups * math.prod(module.kernel_size)
        return output.numel() * per_output
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


def _first_tensor(output):
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)):
        return next((o for o in output if isinstance(o, torch.Tensor)), None)
    return None


def _record(model: nn.Module, x: torch.Tensor) -> tuple[list[str], dict, dict]:
    """Run ``model(x)`` with hooks: modules in call order, output shapes, leaf MACs."""
    order: list[str] = []
    seen: set[str] = set()
    shapes: dict[str, tuple[int, ...]] = {}
    macs: dict[str, int] = {}
    handles = []
    for name, module in model.named_modules():
        if not name:
            continue

        def pre_hook(mod, inputs, name=name):
            if name not in seen:  # a module called twice (a shared ReLU) is listed once
                seen.add(name)
                order.append(name)

        def hook(mod, inputs, output, name=name):
            tensor = _first_tensor(output)
            if tensor is not None:
                shapes[name] = tuple(tensor.shape)
                macs[name] = macs.get(name, 0) + layer_macs(mod, inputs, tensor)

        handles += [module.register_forward_pre_hook(pre_hook), module.register_forward_hook(hook)]
    try:
        with torch.no_grad():
            model(x)
    except RuntimeError as exc:  # a shape the model cannot take: one line for the user
        shape = tuple(x.shape)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise invalid("input_size", shape, f"a shape this model accepts ({first})") from exc
    finally:
        for handle in handles:
            handle.remove()
    return order, shapes, macs


def _input_size(input_size) -> tuple[int, ...]:
    expected = "a shape (N, C, H, W) of ints >= 1, e.g. (1, 3, 224, 224)"
    if not is_sequence(input_size):
        raise wrong_type("input_size", input_size, expected)
    if len(input_size) < 3 or not all(is_int(v) and v >= 1 for v in input_size):
        raise invalid("input_size", input_size, expected)
    return tuple(int(v) for v in input_size)


def _model_and_input(model_or_name, input_size, **kwargs):
    """The model to walk (on the meta device when built by name) and the input shape."""
    if isinstance(model_or_name, str):
        from convolab.models._registry import create_model, model_info

        info = model_info(model_or_name)
        if input_size is not None:
            input_size = _input_size(input_size)
            kwargs.setdefault("in_channels", input_size[1])  # build for the input's channels
        with torch.device("meta"):
            model = create_model(model_or_name, **kwargs)
        if input_size is None:
            channels = kwargs.get("in_channels", info.in_channels)
            input_size = (1, channels, *info.input_size)
        return model, model_or_name, _input_size(input_size)
    if not isinstance(model_or_name, nn.Module):
        raise wrong_type("model", model_or_name, "a torch.nn.Module or a registered model name")
    if input_size is None:
        raise invalid("input_size", None, "a shape (N, C, H, W) when a module is given")
    if kwargs:
        raise invalid("keyword arguments", sorted(kwargs), "none when a module is given")
    return model_or_name, type(model_or_name).__name__, _input_size(input_size)


def summary(model_or_name, input_size=None, depth: int = 2, **kwargs) -> ModelSummary:
    """Per-layer output shapes, parameters and multiply-accumulates of a model.

    Args:
        model_or_name: a registered name (built on the meta device: no memory, no compute;
            ``kwargs`` such as ``num_classes`` go to its builder) or an ``nn.Module``
            (run once on its device, in eval mode and without gradients).
        input_size: input shape with the batch, e.g. ``(1, 3, 224, 224)``; for a name, the
            default is one image of the model's default size and channels.
        depth: deepest module level listed (1: the model's children); every row's
            parameters and MACs include its children's.

    Returns:
        ModelSummary with one row per module called in the forward pass, in call order.
    """
    depth = _depth(depth)
    model, label, size = _model_and_input(model_or_name, input_size, **kwargs)
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    was_training = model.training
    model.eval()
    try:
        order, shapes, macs = _record(model, torch.zeros(size, device=device))
    finally:
        model.train(was_training)
    modules = dict(model.named_modules())
    rows = tuple(
        SummaryRow(
            name,
            type(modules[name]).__name__,
            name.count(".") + 1,
            shapes[name],
            sum(p.numel() for p in modules[name].parameters()),
            _subtree(macs, name),
        )
        for name in order
        if name in shapes and name.count(".") < depth
    )
    params = list(model.parameters())
    return ModelSummary(
        label,
        size,
        rows,
        sum(p.numel() for p in params),
        sum(p.numel() for p in params if p.requires_grad),
        sum(macs.values()),
    )


def _subtree(values: dict[str, int], name: str) -> int:
    """Sum of ``values`` over module ``name`` and its descendants."""
    return sum(v for n, v in values.items() if n == name or n.startswith(name + "."))


def _depth(depth) -> int:
    if not is_int(depth) or depth < 1:
        raise invalid("depth", depth, "an int >= 1")
    return int(depth)
