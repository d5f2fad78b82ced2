"""``convolab summary``: a model's layers, output shapes, parameters and multiply-accumulates."""

from __future__ import annotations

import argparse

from convolab.cli._common import CLIError, int_tuple


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "summary",
        help="per-layer output shapes, parameters and MACs of a model of the zoo",
        description="Walk a registered model with one forward pass on the meta device (no "
        "memory, no arithmetic) and print each layer's output shape, parameters and "
        "multiply-accumulates (convolutions and dense layers, torchvision's convention), "
        "with totals. See `convolab models` for the names.",
    )
    p.add_argument("model", help="registered model name, e.g. resnet18")
    p.add_argument(
        "--input",
        type=int_tuple,
        default=None,
        help="input NxCxHxW, CxHxW or HxW (default: one image of the model's size)",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        help="deepest module level shown; 1 lists the model's children (default 2)",
    )
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
    raise ValueError(f"--input must be NxCxHxW, CxHxW or HxW, got {'x'.join(map(str, given))}")


def run(args: argparse.Namespace) -> int:
    from convolab.models import model_info, summary

    info = model_info(args.model)
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
    shape = input_shape(given, channels, info.input_size)
    print(summary(args.model, shape, depth=args.depth, **sizes))
    return 0
