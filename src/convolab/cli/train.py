"""``convolab train``: train a zoo model on a local data set, resumable, torchrun-ready."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path

# CLI option -> TrainConfig field, for options whose names differ only by dashes.
_BOOL_FLAGS = ("amp", "channels_last", "compile", "resume", "force")


def _defaults():
    from convolab.train._config import TrainConfig

    return TrainConfig()


def register(subparsers) -> None:
    from convolab.train._config import DEVICES, OPTIMIZERS, SCHEDULES

    d = _defaults()
    p = subparsers.add_parser(
        "train",
        help="train a model on digits, MNIST, CIFAR-10 or an image folder",
        description="Train a convolab.models model. Writes config.json, metrics.jsonl, "
        "last.pt, best.pt, model.safetensors, curves.png and confusion.png into --out. "
        "Runs under `torchrun --nproc_per_node=N -m convolab train ...` with DDP.",
        argument_default=argparse.SUPPRESS,
    )
    p.add_argument("model", help="model name, e.g. lenet5 (see convolab.models.list_models())")
    p.add_argument(
        "--data",
        help=f"digits | mnist:DIR | fashion-mnist:DIR | cifar10:DIR | "
        f"folder:DIR (default {d.data})",
    )
    p.add_argument("--epochs", type=int, help=f"default {d.epochs}")
    p.add_argument("--batch-size", type=int, help=f"over all processes (default {d.batch_size})")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help=f"default {d.optimizer}")
    p.add_argument("--lr", type=float, help=f"peak learning rate (default {d.lr})")
    p.add_argument("--weight-decay", type=float, help=f"default {d.weight_decay}")
    p.add_argument("--momentum", type=float, help=f"SGD momentum (default {d.momentum})")
    p.add_argument("--schedule", choices=SCHEDULES, help=f"default {d.schedule}")
    p.add_argument("--label-smoothing", type=float, help=f"default {d.label_smoothing}")
    p.add_argument(
        "--augment",
        action=argparse.BooleanOptionalAction,
        help="random rotation/shift/zoom while training (default on)",
    )
    p.add_argument(
        "--fit",
        choices=("auto", "resize", "pad"),
        help="how images reach the model's input size (default auto)",
    )
    p.add_argument("--seed", type=int, help=f"default {d.seed}")
    p.add_argument("--device", choices=DEVICES, help="auto picks cuda, then mps, then cpu")
    p.add_argument("--amp", action="store_true", help="mixed precision")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--workers", type=int, help=f"DataLoader workers (default {d.workers})")
    p.add_argument("--out", help="run directory (default runs/MODEL)")
    p.add_argument("--weights", help="torchvision-format .pth/.safetensors to fine-tune from")
    p.add_argument("--resume", action="store_true", help="continue the run in --out")
    p.add_argument("--force", action="store_true", help="start over in a used --out")
    p.set_defaults(func=run)


def _saved_config(out: Path) -> dict:
    path = out / "config.json"
    if not path.is_file():
        raise FileNotFoundError(2, "No run to resume (config.json missing)", str(path))
    return json.loads(path.read_text())


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
