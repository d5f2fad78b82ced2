"""``convolab train``: train a zoo model on a local data set, resumable, torchrun-ready."""

from __future__ import annotations

import argparse
import json
from dataclasses import Field, fields
from pathlib import Path

# Field annotation (a string: the module uses postponed annotations) -> argparse type.
_TYPES = {"int": int, "float": float, "str": str, "str | None": str}


def _add_option(parser: argparse.ArgumentParser, field: Field, comment: str) -> None:
    """``--field-name`` for one TrainConfig field: its type, choices, comment and default."""
    from convolab.train._config import CHOICES

    default = "" if field.default is None else f" (default {field.default})"
    help_text = (comment + default).replace("%", "%%")  # argparse %-formats help
    flag = "--" + field.name.replace("_", "-")
    if field.type == "bool":
        parser.add_argument(flag, action=argparse.BooleanOptionalAction, help=help_text)
    else:
        kind = _TYPES[field.type]  # a field of another type must be added here first
        parser.add_argument(flag, type=kind, choices=CHOICES.get(field.name), help=help_text)


def register(subparsers) -> None:
    """``convolab train``: one option per TrainConfig field, its help the field's comment."""
    from convolab.train._config import TrainConfig, field_comments

    p = subparsers.add_parser(
        "train",
        help="train a model on digits, MNIST, CIFAR-10 or an image folder",
        description="Train a convolab.models model. Writes config.json, metrics.jsonl, "
        "last.pt, best.pt, model.safetensors, curves.png and confusion.png into --out. "
        "Runs under `torchrun --nproc_per_node=N -m convolab train ...` with DDP.",
        argument_default=argparse.SUPPRESS,
    )
    p.add_argument("model", help="model name, e.g. lenet5 (see `convolab models`)")
    comments = field_comments(TrainConfig)
    for field in fields(TrainConfig):
        if field.name != "model":
            _add_option(p, field, comments.get(field.name, ""))
    p.set_defaults(func=run)


def _saved_config(out: Path) -> dict:
    from convolab.cli._common import CLIError

    path = out / "config.json"
    if not path.is_file():
        raise FileNotFoundError(2, "No run to resume (config.json missing)", str(path))
    try:
        saved = json.loads(path.read_text())
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise CLIError(f"{str(path)!r} is not the JSON a run writes: {exc}") from None
    if not isinstance(saved, dict):
        raise CLIError(f"{str(path)!r} must hold a JSON object of TrainConfig fields")
    return saved


def make_config(args: argparse.Namespace):
    """The TrainConfig of a command line: defaults (or the resumed run's), then the options."""
    from convolab.train import TrainConfig

    given = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if hasattr(args, f.name)}
    given.setdefault("out", str(Path("runs") / args.model))
    base = _saved_config(Path(given["out"])) if given.get("resume") else {}
    return TrainConfig.from_dict({**base, **given})


def check_out_dir(out: str | Path) -> Path:
    """``--out`` as a Path, refused when it names an existing file rather than a directory."""
    from convolab.cli._common import CLIError

    if Path(out).is_file():
        raise CLIError(f"--out {str(out)!r} is a file; give a directory")
    return Path(out)


def run(args: argparse.Namespace) -> int:
    from convolab.train import fit

    check_out_dir(getattr(args, "out", None) or Path("runs") / args.model)
    fit(make_config(args))
    return 0
