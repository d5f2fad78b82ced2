"""``convolab eval``: accuracy, per-class precision/recall and confusion of a trained model."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import add_device, add_max_pixels


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="evaluate a trained model on a data split",
        description="Accuracy, per-class precision and recall and the confusion matrix of a "
        "run directory or weights file on a data split.",
    )
    p.add_argument("weights", help="run directory, model.safetensors, best.pt or a .pth")
    p.add_argument("--data", help="data spec (default: the one the model was trained on)")
    p.add_argument(
        "--split",
        choices=("train", "val", "test"),
        default="test",
        help="which split (default test)",
    )
    p.add_argument("--model", help="model name, for weights that carry no model card")
    add_device(p)
    p.add_argument("--batch-size", type=int, default=256, help="default 256")
    add_max_pixels(p, "images of a folder: data set")
    p.add_argument("--confusion", help="also write the confusion matrix to this PNG")
    p.add_argument("--force", action="store_true", help="overwrite the --confusion file")
    p.set_defaults(func=run)


def _matrix_text(confusion, classes) -> str:
    width = max(4, *(len(str(v)) for v in confusion.flat), *(len(c) for c in classes)) + 1
    head = " " * width + "".join(f"{c[: width - 1]:>{width}}" for c in classes)
    rows = [
        f"{c[: width - 1]:>{width}}" + "".join(f"{v:>{width}}" for v in row)
        for c, row in zip(classes, confusion)
    ]
    return "\n".join(["confusion (rows: true class, columns: predicted)", head, *rows])


def _check_figure_path(path: str, force: bool) -> None:
    """Refuse a --confusion path matplotlib cannot write, or must not, before any work."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from convolab.cli._common import CLIError, check_output_path

    kinds = FigureCanvasAgg.get_supported_filetypes()
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in kinds:
        raise CLIError(
            f"--confusion must end in one of {', '.join('.' + k for k in sorted(kinds))}, "
            f"got {path!r}"
        )
    check_output_path(path, force)


def run(args: argparse.Namespace) -> int:
    from convolab._io import save_figure
    from convolab.cli._common import CLIError, max_pixels
    from convolab.train import evaluate, load_trained, plot_confusion, resolve_device

    limit = max_pixels(args.max_pixels)  # checked before any work
    if args.confusion:
        _check_figure_path(args.confusion, args.force)
    trained = load_trained(args.weights, args.model)
    data = args.data or trained.card.data
    if not data:
        raise CLIError(f"{args.weights} does not say what it was trained on; pass --data")
    result = evaluate(
        trained,
        data,
        split=args.split,
        batch_size=args.batch_size,
        device=resolve_device(args.device),
        max_pixels=limit,
    )
    print(
        f"{trained.card.model} on {data} ({args.split} split, {result.count} images): "
        f"accuracy {result.accuracy:.4f}, loss {result.loss:.4f}"
    )
    print(result.table())
    print(_matrix_text(result.confusion, result.classes))
    if args.confusion:
        title = f"{trained.card.model}, {args.split} split"
        figure = plot_confusion(result.confusion, result.classes, title)
        save_figure(figure, args.confusion, dpi=120)
        print(f"wrote {args.confusion}")
    return 0
