"""``convolab predict``: the top-k classes of image files, with probabilities."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "predict",
        help="classify image files with a trained model",
        description="Top-k classes with softmax probabilities for each image file, resized "
        "or padded and normalised as the model was trained.",
    )
    p.add_argument("weights", help="run directory, model.safetensors, best.pt or a .pth")
    p.add_argument("images", nargs="+", help="image files (PNG, JPEG, ...)")
    p.add_argument("--top-k", "-k", type=int, default=3, help="classes per image (default 3)")
    p.add_argument("--model", help="model name, for weights that carry no model card")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from convolab.train import load_trained, predict

    trained = load_trained(args.weights, args.model)
    for path, top in zip(args.images, predict(trained, args.images, k=args.top_k)):
        ranked = ", ".join(f"{name} {p:.3f}" for name, p in top)
        print(f"{path}: {ranked}")
    return 0
