"""``convolab models``: the registered models, their size, default input and paper."""

from __future__ import annotations

import argparse

from convolab.cli._common import CLIError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "models",
        help="list the registered models with parameters, input sizes and papers",
        description="List the models of convolab.models (LeNet-5, AlexNet, VGG, ResNet): "
        "parameters, default and minimum input size, and the paper each comes from.",
    )
    p.add_argument("pattern", nargs="?", default="*", help="shell-style filter, e.g. 'resnet*'")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import torch

    from convolab.models import create_model, list_models, model_info

    names = list_models(args.pattern)
    if not names:
        raise CLIError(
            f"no registered model matches {args.pattern!r}; `convolab models` lists them all"
        )
    rows = [("model", "params", "input", "min input", "paper")]
    for name in names:
        info = model_info(name)
        with torch.device("meta"):  # counting parameters needs no memory
            params = sum(p.numel() for p in create_model(name).parameters())
        size = "x".join(map(str, (info.in_channels, *info.input_size)))
        rows.append(
            (name, f"{params:,}", size, "x".join(map(str, info.min_input_size)), info.paper)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:4], widths[1:]))]
        print("  ".join([*cells, row[4]]))
    return 0
