"""``convolab predict``: the top-k classes of image files, with probabilities."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import (
    CLIError,
    add_device,
    add_max_pixels,
    add_polarity,
    model_name,
)

# A real digit to try: MNIST test image #30 (a 3), drawn black on white (see examples/README).
EXAMPLE = Path(__file__).with_name("examples") / "digit.png"
EXAMPLE_INDEX, EXAMPLE_LABEL = 30, 3  # its index in t10k-images-idx3-ubyte, and its class


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "predict",
        help="classify image files with a trained model",
        description="Top-k classes with softmax probabilities for each image file, resized "
        "or padded and normalised as the model was trained. For a model of digits, MNIST or "
        "Fashion-MNIST (light strokes on black), an image with a light background is "
        "inverted first, and stderr says so. `convolab predict --example digit.png` writes a "
        "real MNIST digit, drawn black on white, to try.",
    )
    p.add_argument("weights", nargs="?", help="run directory, model.safetensors, best.pt or a .pth")
    p.add_argument("images", nargs="*", help="image files (PNG, JPEG, ...)")
    p.add_argument("--top-k", "-k", type=int, default=3, help="classes per image (default 3)")
    p.add_argument(
        "--model",
        type=model_name,
        help="model name (see `convolab models`), for weights that carry no model card",
    )
    add_polarity(p)
    add_device(p)
    p.add_argument(
        "--batch-size", type=int, default=64, help="images per forward pass (default 64)"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    add_max_pixels(p)
    p.add_argument(
        "--example",
        metavar="FILE",
        help="write the example digit (MNIST test #30, a 3, black on white) to FILE and exit",
    )
    p.add_argument("--force", action="store_true", help="overwrite the --example file")
    p.set_defaults(func=run)


def _write_example(args) -> int:
    import shutil

    from convolab._io import atomic_path
    from convolab.cli._common import check_output_path

    if args.weights or args.images:
        raise CLIError("--example writes the example image and exits; give no weights or images")
    if Path(args.example).suffix.lower() != ".png":
        raise CLIError(f"--example must end in .png, got {args.example!r}")
    out = check_output_path(args.example, args.force)
    with atomic_path(out) as tmp:
        shutil.copyfile(EXAMPLE, tmp)
    print(f"convolab predict: wrote {out} (MNIST test digit #30, a 3, drawn black on white)")
    return 0


def _checked(args):
    """The options checked before any work: (top-k, batch size, pixel limit)."""
    from convolab._args import as_int
    from convolab.cli._common import max_pixels

    if not args.weights or not args.images:
        raise CLIError("give a run directory or weights file and image files (or --example FILE)")
    top_k = as_int(args.top_k, "--top-k", minimum=1)
    return top_k, as_int(args.batch_size, "--batch-size", minimum=1), max_pixels(args.max_pixels)


def _read(paths, trained, args, limit: int) -> list:
    """``(image, inverted)`` per path: uint8 (H, W, C) as the model takes it."""
    from convolab.cli._polarity import read_for_model

    return [read_for_model(p, trained.card, args.invert, limit, "predict") for p in paths]


def run(args: argparse.Namespace) -> int:
    import json

    if args.example:
        return _write_example(args)
    top_k, batch_size, limit = _checked(args)
    from convolab.train import load_trained, predict, resolve_device

    trained = load_trained(args.weights, args.model)
    trained.model.to(resolve_device(args.device))
    rows = []
    for start in range(0, len(args.images), batch_size):  # read and classify a batch at a time
        paths = args.images[start : start + batch_size]
        read = _read(paths, trained, args, limit)
        tops = predict(trained, [image for image, _ in read], k=top_k, batch_size=batch_size)
        for path, (_, inverted), top in zip(paths, read, tops):
            ranked = [{"class": name, "probability": p} for name, p in top]
            rows.append({"image": path, "inverted": inverted, "top": ranked})
            if not args.json:
                print(f"{path}: " + ", ".join(f"{name} {p:.3f}" for name, p in top))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0
