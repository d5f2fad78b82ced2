"""``convolab inspect``: first-layer filters and every conv layer's feature maps, as PNGs."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import add_max_pixels, add_polarity, model_name


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "inspect",
        help="draw a trained model's filters and feature maps",
        description="Write filters.png (the first layer's kernels), input.png and "
        "maps_<layer>.png (the maps of every conv layer for one input).",
    )
    p.add_argument("weights", help="run directory, model.safetensors, best.pt or a .pth")
    p.add_argument("--image", help="input image file (default: a test image of the data set)")
    p.add_argument("--index", type=int, default=0, help="test image index (default 0)")
    p.add_argument(
        "--model",
        type=model_name,
        help="model name (see `convolab models`), for weights that carry no model card",
    )
    p.add_argument("--out", help="output directory (default RUN_DIR/inspect or ./inspect)")
    p.add_argument("--force", action="store_true", help="overwrite existing PNGs")
    add_polarity(p)
    add_max_pixels(p)
    p.set_defaults(func=run)


def _input(args, trained, limit: int):
    """(uint8 image (H, W, C), label text) from --image or the test split."""
    from convolab.cli._common import CLIError
    from convolab.cli._polarity import read_for_model
    from convolab.data import load_split
    from convolab.data._polarity import match_polarity

    card = trained.card
    if args.image:
        image, inverted = read_for_model(args.image, card, args.invert, limit, "inspect")
        return image, Path(args.image).name + (", inverted" if inverted else "")
    if not card.data:
        raise CLIError(f"{args.weights} does not say what it was trained on; pass --image")
    size = card.preprocess.input_size
    test, _ = load_split(card.data, "test", size=size, max_pixels=limit)  # its files only
    if not 0 <= args.index < len(test):
        raise CLIError(f"--index must be in [0, {len(test) - 1}], got {args.index}")
    image, inverted = match_polarity(test.images[args.index], None, args.invert)  # as stored
    label = f"(test #{args.index}, class {card.classes[test.labels[args.index]]})"
    return image, label + (", inverted" if inverted else "")


def _check_outputs(out: Path, model, force: bool) -> None:
    from convolab.cli._common import check_output_path

    out.mkdir(parents=True, exist_ok=True)
    names = ["filters.png", "input.png"] + [
        f"maps_{n.replace('.', '_')}.png"
        for n, m in model.named_modules()
        if type(m).__name__ == "Conv2d"
    ]
    for name in names:
        check_output_path(out / name, force)


def run(args: argparse.Namespace) -> int:
    import torch

    from convolab.cli._common import max_pixels
    from convolab.cli.train import check_out_dir
    from convolab.data import model_input
    from convolab.train import inspect_model, load_trained

    limit = max_pixels(args.max_pixels)
    default = Path(args.weights) / "inspect" if Path(args.weights).is_dir() else Path("inspect")
    out = check_out_dir(args.out or default)
    trained = load_trained(args.weights, args.model)
    image, label = _input(args, trained, limit)  # checks --image and --index before any output
    _check_outputs(out, trained.model, args.force)
    x = model_input(image, trained.card.preprocess)  # (1, C, H, W)
    with torch.no_grad():
        top = trained.model(x).softmax(1)[0].max(0)
    label = f"{label}, predicted {trained.card.classes[int(top.indices)]} ({float(top.values):.2f})"
    for path in inspect_model(trained.model, x, out, image, label):
        print(f"wrote {path}")
    return 0
