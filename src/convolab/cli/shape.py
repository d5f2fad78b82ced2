"""``convolab shape``: output size, padding and the formula, with the numbers substituted;
``--receptive-field``: the receptive field of a stack of layers."""

from __future__ import annotations

import argparse

from convolab._args import InputError
from convolab.cli._common import CLIError, int_tuple, padding_spec, scalar_or_tuple

LAYER_FIELDS = ("kernel", "stride", "padding", "dilation")
# Options of one layer (``--kernel`` mode), all None or False unless given.
ONE_LAYER = (
    "kernel",
    "stride",
    "padding",
    "dilation",
    "transposed",
    "pool",
    "output_padding",
    "ceil_mode",
)


def layer_spec(text: str) -> tuple[tuple[int, ...], ...]:
    """Parse ``K[/S[/P[/D]]]`` (each an int or per-dimension ints such as ``3x3`` or ``2,1``)
    into ``(kernel, stride, padding, dilation)`` tuples (argparse ``type``)."""
    parts = text.split("/")
    if not 1 <= len(parts) <= 4 or not all(parts):
        raise argparse.ArgumentTypeError(
            f"a layer is KERNEL[/STRIDE[/PADDING[/DILATION]]], e.g. 11/4/2, got {text!r}"
        )
    return tuple(int_tuple(p) for p in parts)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "shape",
        help="output size of a convolution, transposed convolution or pooling; receptive fields",
        description="Print the output size of a convolution and the formula with the numbers "
        "substituted (Dumoulin & Visin, arXiv:1603.07285). Sizes like 224 or 224x224; "
        "per-dimension values like 2,1. With --receptive-field, the receptive field, jump and "
        "start after each layer of a stack (Araujo et al., Distill 2019), e.g. AlexNet's "
        "features: convolab shape 224 --receptive-field 11/4/2 3/2 5/1/2 3/2 3/1/1 3/1/1 "
        "3/1/1 3/2",
    )
    p.add_argument(
        "size", type=int_tuple, nargs="?", default=None, help="input size W, e.g. 224 or 224x224"
    )
    _add_layer_options(p)
    p.add_argument(
        "--receptive-field",
        "-r",
        type=layer_spec,
        nargs="+",
        metavar="K[/S[/P[/D]]]",
        default=None,
        help="a stack of convolutions or poolings, one KERNEL/STRIDE/PADDING/DILATION per "
        "layer (stride 1, padding 0, dilation 1 when left out; a pooling's stride is given)",
    )
    p.set_defaults(func=run)


def _add_layer_options(p: argparse.ArgumentParser) -> None:
    """The options of one layer: kernel, stride, padding, dilation and its kind."""
    p.add_argument("--kernel", "-k", type=int_tuple, default=None, help="kernel size")
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
        type=padding_spec,
        default=None,
        help="padding per side (default 0): N, N,M per dimension, 'same', 'valid' or 'causal' "
        "(d*(k-1) before, none after)",
    )
    p.add_argument("--dilation", "-d", type=int_tuple, default=None, help="dilation (default 1)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--transposed", action="store_true", help="transposed convolution")
    mode.add_argument("--pool", action="store_true", help="max/avg pooling")
    p.add_argument(
        "--output-padding",
        type=int_tuple,
        default=None,
        help="extra output cells of a transposed convolution (default 0)",
    )
    p.add_argument("--ceil-mode", action="store_true", help="pooling with ceil_mode=True")


def check_dimensions(size: tuple[int, ...], options: dict[str, tuple[int, ...]]) -> None:
    """Each per-dimension option has one value or one per dimension of ``size``."""
    dims = len(size)
    for name, values in options.items():
        if len(values) not in (1, dims):
            raise _count_mismatch(name, values, f"the size {'x'.join(map(str, size))}", dims)


def _count_mismatch(what: str, values: tuple[int, ...], owner: str, dims: int) -> CLIError:
    """The error for per-dimension ``values`` that are neither one nor ``dims`` values."""
    return CLIError(
        f"{what} has {len(values)} values ({','.join(map(str, values))}) but {owner} has "
        f"{dims} dimension{'s' * (dims > 1)}: give one value, or one per dimension"
    )


def run(args: argparse.Namespace) -> int:
    if args.receptive_field is not None:
        given = [f"--{n.replace('_', '-')}" for n in ONE_LAYER if getattr(args, n)]
        if given:
            raise CLIError(
                "give either --kernel (one layer) or --receptive-field (a stack, each layer "
                f"KERNEL/STRIDE/PADDING/DILATION), not {', '.join(given)} with --receptive-field"
            )
        return _stack(args.size, args.receptive_field)
    if args.size is None or args.kernel is None:
        raise CLIError("give the input size and --kernel (or --receptive-field LAYER ...)")
    return _one_layer(args)


def _check_one_layer(args: argparse.Namespace) -> None:
    """Options that belong together, and per-dimension values that fit the size."""
    if args.ceil_mode and not args.pool:
        raise CLIError("--ceil-mode applies only with --pool")
    if args.output_padding is not None and not args.transposed:
        raise CLIError("--output-padding applies only with --transposed")
    if args.padding in ("same", "causal") and (args.transposed or args.pool):
        raise CLIError(f"--padding {args.padding} applies only to a convolution")
    per_dim = {
        f"--{name.replace('_', '-')}": values
        for name in ("kernel", "stride", "padding", "dilation", "output_padding")
        if (values := getattr(args, name)) is not None and not isinstance(values, str)
    }
    check_dimensions(args.size, per_dim)


def _one_layer(args: argparse.Namespace) -> int:
    from convolab import shape

    _check_one_layer(args)
    size, kernel = scalar_or_tuple(args.size), scalar_or_tuple(args.kernel)
    dilation = scalar_or_tuple(args.dilation or (1,))
    stride = None if args.stride is None else scalar_or_tuple(args.stride)
    padding = (0,) if args.padding is None else args.padding
    padding = padding if isinstance(padding, str) else scalar_or_tuple(padding)
    step = 1 if stride is None else stride
    if args.transposed:
        output_padding = scalar_or_tuple(args.output_padding or (0,))
        geometry = shape.transpose_geometry(size, kernel, step, padding, output_padding, dilation)
    elif args.pool:
        geometry = shape.pool_geometry(size, kernel, stride, padding, dilation, args.ceil_mode)
    else:
        geometry = shape.conv_geometry(size, kernel, step, padding, dilation)
    print(f"output size: {'x'.join(str(o) for o in geometry.out)}")
    if padding in ("same", "causal"):
        pairs = ", ".join(str(p) for p in geometry.pads)
        print(f"{padding} padding (before, after): {pairs}")
    lines = shape.explain_geometry(geometry)
    for dim, line in enumerate(lines):
        print(f"  dim {dim}: {line}" if len(lines) > 1 else f"  {line}")
    return 0


def _stack_dims(size, layers) -> int:
    """Spatial dimensions of a stack: the size's, else the longest per-dimension value's."""
    dims = len(size) if size is not None else max(len(v) for layer in layers for v in layer)
    for i, layer in enumerate(layers, 1):
        for name, values in zip(LAYER_FIELDS, layer):
            if len(values) not in (1, dims):
                raise _count_mismatch(f"layer {i}'s {name}", values, "the stack", dims)
    return dims


def _cells(values, sep: str = "x") -> str:
    """``(3, 3)`` -> ``"3"``, ``(3, 1)`` -> ``"3x1"`` (offsets, which may be negative: ``","``)."""
    values = values if isinstance(values, tuple) else (values,)
    return str(values[0]) if len(set(values)) == 1 else sep.join(map(str, values))


def _stack(size, layers) -> int:
    """Receptive field (and output size, with ``size``) after each layer of a stack."""
    from convolab import shape

    dims = _stack_dims(size, layers)
    defaults = ((1,), (0,), (1,))  # stride, padding, dilation
    layers = [layer + defaults[len(layer) - 1 :] for layer in layers]
    specs = [tuple(v * dims if len(v) == 1 else v for v in layer) for layer in layers]
    specs = [tuple(scalar_or_tuple(v) for v in layer) for layer in specs]
    fields = shape.receptive_field(specs)
    header = ["layer", "kernel", "stride", "padding", "dilation", "RF", "jump", "start"]
    if size is not None:
        header.insert(5, "output")
        current = scalar_or_tuple(size if len(size) == dims else size * dims)
    rows = [header]
    for i, (spec, field) in enumerate(zip(specs, fields), 1):
        row = [str(i), *(_cells(v) for v in spec), *(_cells(field.size), _cells(field.jump))]
        row.append(_cells(field.start, ","))
        if size is not None:
            try:
                current = shape.conv_output_size(current, *spec)
            except InputError as exc:
                raise CLIError(
                    f"layer {i} does not fit its input {_cells(current)}: {exc}"
                ) from exc
            row.insert(5, _cells(current))
        rows.append(row)
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
    last = fields[-1]
    print(
        f"receptive field: {_cells(last.size)} input cells, jump {_cells(last.jump)}, output "
        f"cell 0 starts at input cell {_cells(last.start, ',')} (< 0: in the padding)"
    )
    return 0
