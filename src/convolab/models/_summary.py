"""A per-layer summary of any model: shapes, parameters, work, receptive fields and memory.

One training-mode forward pass on the ``meta`` device (see :mod:`convolab.models._walk`)
costs no memory and no arithmetic, even for VGG-19. Work is counted per ATen operator
(conventions in :mod:`convolab.models._ops`), receptive fields are followed through the
operator graph (:mod:`convolab.models._receptive`) and memory is what autograd saves plus a
training-step estimate (:mod:`convolab.models._memory`).
"""

from __future__ import annotations

import torch
from torch import nn

from convolab._args import (
    InputError,
    InvalidTypeError,
    as_choice,
    invalid,
    is_int,
    is_sequence,
    wrong_type,
)
from convolab.models._memory import OPTIMIZERS, TrainingMemory, training_memory
from convolab.models._rows import ModelSummary, SummaryRow, make_rows, subtree
from convolab.models._walk import Walk, walk_on

__all__ = ["ModelSummary", "SummaryRow", "layer_macs", "summary"]


def layer_macs(module: nn.Module, inputs: tuple, output: torch.Tensor | None = None) -> int:
    """Multiply-accumulates of one call ``module(inputs[0])``, counted per operator.

    Takes ``(module, inputs, output)`` as a forward hook receives them; the count comes from
    running the module again on the ``meta`` device (no arithmetic), so ``output`` is not
    needed.
    """
    del output  # the count does not depend on it
    if not isinstance(module, nn.Module):
        raise wrong_type("module", module, "a torch.nn.Module")
    expected = "a tuple whose first item is the input tensor, as a forward hook receives it"
    if isinstance(inputs, torch.Tensor):  # its repr would flood the message
        shape = tuple(inputs.shape)
        raise InvalidTypeError(f"inputs must be {expected}, got a Tensor of shape {shape}")
    if not is_sequence(inputs) or not inputs or not isinstance(inputs[0], torch.Tensor):
        raise wrong_type("inputs", inputs, expected)
    return subtree(_walk(module, tuple(inputs[0].shape)).records, "", "macs")


def _input_size(input_size) -> tuple[int, ...]:
    expected = "a shape (N, C, *spatial) of ints >= 1, e.g. (1, 3, 224, 224)"
    if not is_sequence(input_size):
        raise wrong_type("input_size", input_size, expected)
    if len(input_size) < 2 or not all(is_int(v) and v >= 1 for v in input_size):
        raise invalid("input_size", input_size, expected)
    return tuple(int(v) for v in input_size)


def _model_and_input(model_or_name, input_size, **kwargs):
    """The model to walk (on the meta device when built by name) and the input shape."""
    if isinstance(model_or_name, str):
        from convolab.models._registry import create_model, model_info

        info = model_info(model_or_name)
        if input_size is not None:
            input_size = _input_size(input_size)
            if len(input_size) != 2 + len(info.input_size):  # the zoo takes (N, C, H, W)
                raise invalid("input_size", input_size, f"(N, C, H, W) for {model_or_name}")
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


def _walk(model: nn.Module, size: tuple[int, ...]) -> Walk:
    """The watched pass; torch's refusal of the shape becomes one line naming ``input_size``
    (a RuntimeError, or batch norm's ValueError for one value per channel in training)."""
    try:
        return _walk_meta_first(model, size)
    except InputError:  # convolab's own checks (the zoo's minimum sizes) already read well
        raise
    except (RuntimeError, ValueError) as exc:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        raise invalid("input_size", size, f"a shape this model accepts ({first})") from exc


def _walk_meta_first(model: nn.Module, size: tuple[int, ...]) -> Walk:
    """The pass on ``meta``; on the model's own device if an operator has no meta kernel."""
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    try:
        return walk_on(model, size, torch.device("meta"))
    except InputError:
        raise
    except Exception:  # e.g. .item() or an operator without a meta kernel
        if device.type == "meta":
            raise
        return walk_on(model, size, device)


def summary(
    model_or_name, input_size=None, depth: int = 2, optimizer: str = "adamw", **kwargs
) -> ModelSummary:
    """Per-layer shapes, parameters, work, receptive fields and memory of a model.

    Args:
        model_or_name: a registered name (built on the meta device; ``kwargs`` such as
            ``num_classes`` go to its builder) or any ``nn.Module`` (left unchanged: the
            pass runs on meta stand-ins of its parameters).
        input_size: input shape with the batch, e.g. ``(1, 3, 224, 224)``; for a name, the
            default is one image of the model's default size and channels. The batch is the
            one the training-step memory estimate is for.
        depth: deepest module level listed (1: the model's children); every row's counts
            include its children's.
        optimizer: ``'sgd'``, ``'sgd+momentum'``, ``'adam'`` or ``'adamw'``, for the
            optimizer state in the training-step estimate.

    Returns:
        ModelSummary with one row per module called in the forward pass, in call order.
    """
    depth = _depth(depth)
    optimizer = as_choice(optimizer, "optimizer", tuple(OPTIMIZERS))
    model, label, size = _model_and_input(model_or_name, input_size, **kwargs)
    result = _walk(model, size)
    memory: TrainingMemory = training_memory(
        model, optimizer, result.saved_by_op, result.convolutions
    )
    records = result.records
    params = list(model.parameters())
    return ModelSummary(
        model=label,
        input_size=size,
        rows=make_rows(model, result, depth),
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        total_macs=subtree(records, "", "macs"),
        total_elementwise=subtree(records, "", "elementwise"),
        activation_bytes=result.activation_bytes,
        training=memory,
    )


def _depth(depth) -> int:
    if not is_int(depth) or depth < 1:
        raise invalid("depth", depth, "an int >= 1")
    return int(depth)
