"""``convolab summary``: a model's layers, work, receptive fields and memory."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
from pathlib import Path

from convolab.cli._common import CLIError, int_tuple

OPTIMIZERS = ("sgd", "sgd+momentum", "adam", "adamw")  # convolab.models._memory.OPTIMIZERS
WEIGHTS_SUFFIXES = (".safetensors", ".pt", ".pth")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "summary",
        help="per-layer shapes, parameters, MACs, receptive fields and memory of a model",
        description="Walk a model with one training-mode forward pass on the meta device (no "
        "memory, no arithmetic) and print each layer's output shape, parameters, "
        "multiply-accumulates counted per operator, receptive field and memory, with totals "
        "and a training-step memory estimate. MODEL is a name from `convolab models`, a "
        "training run directory or a weights file (.safetensors, .pt, .pth; torchvision "
        "state dicts need --model).",
    )
    p.add_argument("model", metavar="MODEL|RUN_DIR|WEIGHTS", help="e.g. resnet18 or runs/mnist")
    p.add_argument("--model", dest="model_name", default=None, help="model of a weights file")
    p.add_argument(
        "--input",
        type=int_tuple,
        default=None,
        help="input NxCxHxW, CxHxW or HxW (default: one image of the model's size)",
    )
    p.add_argument("--batch-size", type=int, default=None, help="N when --input has none")
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        help="deepest module level shown; 1 lists the model's children (default 2)",
    )
    p.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        default="adamw",
        help="optimizer of the training-step memory estimate (default adamw)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--num-classes", type=int, default=None, help="classes of the head")
    p.add_argument("--in-channels", type=int, default=None, help="channels of the input")
    p.set_defaults(func=run)


def input_shape(given: tuple[int, ...] | None, channels: int, size: tuple[int, int]):
    """Complete ``HxW`` or ``CxHxW`` to ``(N, C, H, W)`` with batch 1 and the model's channels."""
    if given is None:
        return (1, channels, *size)
    if len(given) == 2:
        return (1, channels, *given)
    if len(given) == 3:
        return (1, *given)
    if len(given) == 4:
        return given
    raise CLIError(f"--input must be NxCxHxW, CxHxW or HxW, got {'x'.join(map(str, given))}")


def _at_least_one(option: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise CLIError(f"{option} must be an int >= 1, got {value}")


def _with_batch(shape: tuple[int, ...], args: argparse.Namespace) -> tuple[int, ...]:
    if args.batch_size is None:
        return shape
    _at_least_one("--batch-size", args.batch_size)
    if args.input is not None and len(args.input) == 4 and args.input[0] != args.batch_size:
        raise CLIError(f"--input has batch {args.input[0]} but --batch-size is {args.batch_size}")
    return (args.batch_size, *shape[1:])


def _is_path(target: str) -> bool:
    return Path(target).exists() or "/" in target or target.lower().endswith(WEIGHTS_SUFFIXES)


def _registered(name: str) -> str:
    from convolab.models import list_models

    names = list_models()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
        hint = f" (close matches: {', '.join(close)})" if close else ""
        raise CLIError(
            f"unknown model {name!r}{hint}; `convolab models` lists the names, and a run "
            "directory or weights file must exist"
        )
    return name


def _named(args: argparse.Namespace):
    """Summary of a registered model built on the meta device."""
    from convolab.models import model_info, summary

    info = model_info(_registered(args.model))
    _at_least_one("--in-channels", args.in_channels)  # before it shapes the default input
    sizes = {
        k: v
        for k, v in (("num_classes", args.num_classes), ("in_channels", args.in_channels))
        if v is not None
    }
    given = args.input
    if given is not None and len(given) in (3, 4):  # the input fixes the model's channels
        wanted = sizes.setdefault("in_channels", given[-3])
        if wanted != given[-3]:
            raise CLIError(f"--input has {given[-3]} channels but --in-channels is {wanted}")
    channels = sizes.get("in_channels", info.in_channels)
    shape = _with_batch(input_shape(given, channels, info.input_size), args)
    return summary(args.model, shape, depth=args.depth, optimizer=args.optimizer, **sizes)


def _trained(args: argparse.Namespace):
    """Summary of a training run or weights file, at the input its card describes."""
    from convolab.models import summary
    from convolab.train import load_trained

    if args.num_classes is not None or args.in_channels is not None:
        raise CLIError("--num-classes and --in-channels apply to a model name, not to weights")
    try:
        trained = load_trained(args.model, args.model_name)
    except RuntimeError as exc:  # torch's own refusal of a state dict
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CLIError(f"{args.model!r} does not fit its model: {first}") from exc
    prep = trained.card.preprocess
    shape = _with_batch(input_shape(args.input, prep.in_channels, prep.input_size), args)
    if shape[1] != prep.in_channels:
        raise CLIError(f"--input has {shape[1]} channels but the model takes {prep.in_channels}")
    label = f"{trained.card.model} from {trained.source}"
    result = summary(trained.model, shape, depth=args.depth, optimizer=args.optimizer)
    return dataclasses.replace(result, model=label)


def run(args: argparse.Namespace) -> int:
    if args.model_name is not None and not _is_path(args.model):
        raise CLIError("--model names the model of a weights file; give the file too")
    result = _trained(args) if _is_path(args.model) else _named(args)
    print(json.dumps(result.to_dict(), indent=2) if args.json else result)
    return 0
