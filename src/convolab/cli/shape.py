"""``convolab shape``: output size, padding and the formula, with the numbers substituted."""

from __future__ import annotations

import argparse

from convolab.cli._common import int_tuple, scalar_or_tuple


def _padding(text: str):
    if text in ("same", "valid"):
        return text
    return int_tuple(text)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "shape",
        help="output size of a convolution, transposed convolution or pooling",
        description="Print the output size of a convolution and the formula with the numbers "
        "substituted (Dumoulin & Visin, arXiv:1603.07285). Sizes like 224 or 224x224; "
        "per-dimension values like 2,1.",
    )
    p.add_argument("size", type=int_tuple, help="input size W, e.g. 224 or 224x224")
    p.add_argument("--kernel", "-k", type=int_tuple, required=True, help="kernel size")
    p.add_argument(
        "--stride",
        "-s",
        type=int_tuple,
        default=None,
        help="stride (default 1; the kernel size with --pool)",
    )
    p.add_argument(
        "--padding",
        "-p",
        type=_padding,
        default=(0,),
        help="padding per side: N, N,M per dimension, 'same' or 'valid'",
    )
    p.add_argument("--dilation", "-d", type=int_tuple, default=(1,), help="dilation")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--transposed", action="store_true", help="transposed convolution")
    mode.add_argument("--pool", action="store_true", help="max/avg pooling")
    p.add_argument(
        "--output-padding",
        type=int_tuple,
        default=(0,),
        help="extra output cells of a transposed convolution",
    )
    p.add_argument("--ceil-mode", action="store_true", help="pooling with ceil_mode=True")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from convolab import shape

    if args.ceil_mode and not args.pool:
        raise ValueError("--ceil-mode applies only with --pool")
    if args.output_padding != (0,) and not args.transposed:
        raise ValueError("--output-padding applies only with --transposed")
    if args.padding == "same" and (args.transposed or args.pool):
        raise ValueError("--padding same applies only to a convolution")
    size = scalar_or_tuple(args.size)
    kernel = scalar_or_tuple(args.kernel)
    stride = None if args.stride is None else scalar_or_tuple(args.stride)
    dilation = scalar_or_tuple(args.dilation)
    padding = args.padding if isinstance(args.padding, str) else scalar_or_tuple(args.padding)
    kind = "transpose" if args.transposed else "pool" if args.pool else "conv"
    lines = shape.explain(
        size,
        kernel,
        stride,
        padding,
        dilation,
        kind=kind,
        output_padding=scalar_or_tuple(args.output_padding),
        ceil_mode=args.ceil_mode,
    )
    if kind == "conv":
        out = shape.conv_output_size(
            size, kernel, 1 if stride is None else stride, padding, dilation
        )
    elif kind == "transpose":
        out = shape.conv_transpose_output_size(
            size,
            kernel,
            1 if stride is None else stride,
            padding,
            scalar_or_tuple(args.output_padding),
            dilation,
        )
    else:
        out = shape.pool_output_size(size, kernel, stride, padding, dilation, args.ceil_mode)
    outs = out if isinstance(out, tuple) else (out,)
    print(f"output size: {'x'.join(str(o) for o in outs)}")
    if padding == "same":
        pairs = shape.same_padding(size, kernel, 1 if stride is None else stride, dilation)
        pairs = pairs if isinstance(pairs[0], tuple) else (pairs,)
        print("same padding (before, after): " + ", ".join(str(p) for p in pairs))
    for dim, line in enumerate(lines):
        print(f"  dim {dim}: {line}" if len(lines) > 1 else f"  {line}")
    return 0
