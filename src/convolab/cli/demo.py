"""``convolab demo``: the main job, a guided tour of what convolab computes."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help="a tour of convolab, computed live",
        description="A tour of convolab: conv arithmetic worked out.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from convolab import shape

    print("Convolution arithmetic (Dumoulin & Visin, arXiv:1603.07285)")
    examples = [
        ("AlexNet conv1", dict(size=224, kernel_size=11, stride=4, padding=2)),
        ("VGG 3x3, padding 1", dict(size=224, kernel_size=3, stride=1, padding=1)),
        ("ResNet stem 7x7/2", dict(size=224, kernel_size=7, stride=2, padding=3)),
        ("dilated 3x3, d=2", dict(size=64, kernel_size=3, stride=1, padding=2, dilation=2)),
    ]
    for name, kw in examples:
        print(f"  {name:20s} {shape.explain(**kw)[0]}")
    print("TensorFlow 'SAME' padding (before, after):")
    for w, k, s in [(224, 7, 2), (225, 7, 2), (32, 4, 1), (100, 4, 1)]:
        print(f"  W={w:3d} k={k} s={s}: {shape.same_padding(w, k, s)}")
    alexnet = [(11, 4, 2), (3, 2), (5, 1, 2), (3, 2), (3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 2)]
    print(f"AlexNet feature stack receptive field: {shape.receptive_field(alexnet)[-1].size} px")
    return 0
