"""``convolab explain``: see inside a trained CNN, live, in the browser."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import (
    CLIError,
    add_max_pixels,
    add_polarity,
    check_output_path,
    model_name,
)
from convolab.cli._serve import add_serve_options, bind, serve

DEFAULT_PORT = 8766  # beside `convolab visualize`'s 8765


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "explain",
        help="see inside a trained CNN in the browser: every map, every cell's arithmetic",
        description="Serve a page that draws the network as it runs on an image (each layer "
        "a column of feature maps, residual connections as skips, the top-5 classes), takes "
        "a drawing, a held-out image of the run or an uploaded file, and for any cell lights "
        "its receptive field and shows the arithmetic that made it, with torch's numbers. "
        "Ctrl-C stops it. With --save, write one self-contained HTML file instead (small "
        "models compute in the page; larger ones keep the passes of the bundled images).",
    )
    p.add_argument("weights", help="run directory, model.safetensors, best.pt or a .pth")
    p.add_argument(
        "--model",
        type=model_name,
        help="model name (see `convolab models`), for weights that carry no model card",
    )
    p.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="FILE",
        help="an image to bundle with the page (repeatable), beside the run's held-out ones",
    )
    add_polarity(p)
    add_max_pixels(p)
    add_serve_options(p, DEFAULT_PORT, "page")
    p.add_argument("--save", metavar="FILE", help="write the self-contained page to FILE and exit")
    p.add_argument("--force", action="store_true", help="overwrite the --save file")
    p.set_defaults(func=run)


def _images(args, card) -> tuple[list, list[str]]:
    """The --image files as the model takes them, and their names."""
    from convolab.cli._common import max_pixels
    from convolab.cli._polarity import read_for_model

    limit = max_pixels(args.max_pixels)
    images = [read_for_model(path, card, args.invert, limit, "explain")[0] for path in args.image]
    return images, [Path(path).name for path in args.image]


def _save(explanation, path: str, force: bool) -> int:
    """Write the page and say what it holds (a file made meanwhile is kept unless ``force``)."""
    saved = explanation.save(path, overwrite=force)
    how = (
        "computes in the page"
        if explanation.runs_in_page() is None
        else f"holds the passes of {max(1, len(explanation.inputs.examples))} images"
    )
    print(f"convolab explain: wrote {path} ({saved.stat().st_size // 1024} KiB; {how})")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.save is not None:
        if Path(args.save).suffix.lower() not in (".html", ".htm"):
            raise CLIError(f"--save must end in .html or .htm, got {args.save!r}")
        check_output_path(args.save, args.force)  # before any work
    from convolab.explain import from_trained
    from convolab.explain._server import make_server
    from convolab.train import load_trained

    trained = load_trained(args.weights, args.model)
    images, names = _images(args, trained.card)
    explanation = from_trained(trained, images, names)
    if args.save is not None:
        return _save(explanation, args.save, args.force)
    server = bind(
        "explain", "page", args.host, args.port, lambda h, p: make_server(explanation, h, p)
    )
    return serve("explain", server, not args.no_browser)
