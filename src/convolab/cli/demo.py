"""``convolab demo``: the main job, the whole story of convolution as one HTML report."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help="compute the whole convolab story and write it as one HTML report",
        description="Compute every section of the convolab report live (animations, "
        "algebra, the engine against PyTorch, filters, arithmetic, the CNN zoo, LeNet-5 "
        "trained on real digits, benchmarks) and write a self-contained index.html.",
    )
    p.add_argument("--out", default="out/demo", help="report directory (default: out/demo)")
    p.add_argument(
        "--quick", action="store_true", help="fewer frames, epochs and repetitions (about a minute)"
    )
    p.add_argument("--open", action="store_true", help="open the report in a web browser")
    p.add_argument(
        "--force", action="store_true", help="write into a directory that holds other files"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from convolab.report import build_demo

    index = build_demo(
        args.out,
        quick=args.quick,
        force=args.force,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(f"report: {index.resolve()}")
    if args.open:
        import webbrowser

        webbrowser.open(index.resolve().as_uri())
    return 0
