"""``convolab animate``: GIF/MP4 animations of convolution and the multi-channel figure.

``signal``: g(t - tau) sliding over f(tau), the product's area, (f*g)(t).
``conv2d``: a kernel stepping over a grid, one frame per output cell (``--transposed``: per
input cell). ``channels``: a static PNG of a multi-channel layer.

Frames are drawn and written one at a time, so memory does not grow with their number; the
number itself is bounded (``--frames`` up to ``viz.MAX_FRAMES``, grids up to ``viz.MAX_GRID``).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from convolab.cli._common import (
    CLIError,
    check_output_path,
    int_tuple,
    padding_spec,
    scalar_or_tuple,
)

SIGNAL_NAMES = "box, triangle, gaussian, exponential, sawtooth, ramp"
SIGMA_RANGE = (1e-3, 1e3)  # a gaussian's extent, +-6 sigma, stays finite and drawable
_GRID_FLAGS = ("input", "kernel", "padding")


def _output(p: argparse.ArgumentParser, example: str) -> None:
    p.add_argument("-o", "--output", required=True, help=f"file to write, e.g. {example}")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")


def _register_signal(kinds) -> None:
    p = kinds.add_parser(
        "signal",
        help="(f*g)(t): g sliding over f",
        description="Animate (f*g)(t) = integral f(tau) g(t - tau) dtau: "
        "f(tau) in blue, g(t - tau) in red, the product's area in yellow, "
        f"(f*g)(t) in black. Functions: {SIGNAL_NAMES}.",
    )
    p.add_argument("--f", default="box", help="the fixed function (default box)")
    p.add_argument("--g", default="box", help="the sliding function (default box)")
    p.add_argument(
        "--sigma",
        type=float,
        default=1.0,
        help="standard deviation of a gaussian operand, 0.001 to 1000 (default 1)",
    )
    p.add_argument(
        "--frames",
        type=int,
        default=90,
        help="frames, one per t: from 2 to 10000 (default 90)",
    )
    p.add_argument("--fps", type=int, default=15, help="frames per second (default 15)")
    _output(p, "box.gif (or .mp4 with ffmpeg)")
    p.set_defaults(func=run)


def _register_conv2d(kinds) -> None:
    p = kinds.add_parser(
        "conv2d",
        help="a 2-D convolution, one frame per output cell",
        description="Animate a 2-D convolution: the kernel's footprint on the "
        "(padded) input and the output filling cell by cell. Sizes like 9x14, "
        "per-dimension values like 2,1. Grids up to 32x32, so at most 1024 frames.",
    )
    p.add_argument("--input", type=int_tuple, default=(9, 14), help="input H x W (default 9x14)")
    p.add_argument("--kernel", type=int_tuple, default=(3, 3), help="kernel size (default 3x3)")
    p.add_argument("--stride", type=int_tuple, default=(1,), help="stride (default 1)")
    p.add_argument("--dilation", type=int_tuple, default=(1,), help="dilation (default 1)")
    p.add_argument(
        "--padding",
        type=padding_spec,
        default=(0,),
        help="zero padding per side: N, N,M per dimension, 'same' or 'valid' (default 0)",
    )
    p.add_argument("--values", action="store_true", help="show numbers and the sums")
    p.add_argument(
        "--transposed",
        action="store_true",
        help="transposed convolution: input cells scatter into the output",
    )
    p.add_argument("--fps", type=int, default=3, help="frames per second (default 3)")
    p.add_argument("--seed", type=int, default=0, help="seed of the --values numbers, >= 0")
    _output(p, "conv.gif")
    p.set_defaults(func=run)


def _register_channels(kinds) -> None:
    p = kinds.add_parser(
        "channels",
        help="a multi-channel layer as a static PNG",
        description="Draw an H x W x C input, K kernels of k x k x C and the "
        "K feature maps they produce.",
    )
    p.add_argument("--input", type=int_tuple, default=(8, 8), help="input H x W (default 8x8)")
    p.add_argument("--channels", type=int, default=3, help="input channels C (default 3)")
    p.add_argument("--kernels", type=int, default=4, help="kernels K (default 4)")
    p.add_argument("--kernel", type=int_tuple, default=(3,), help="kernel size k (default 3)")
    p.add_argument("--stride", type=int_tuple, default=(1,), help="stride (default 1)")
    p.add_argument(
        "--padding",
        type=padding_spec,
        default=(0,),
        help="zero padding per side: N, N,M per dimension, 'same' or 'valid' (default 0)",
    )
    _output(p, "channels.png")
    p.set_defaults(func=run)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "animate",
        help="animations of convolution (GIF/MP4, PNG)",
        description="Animations of convolution, drawn from convolab's own numbers.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    _register_signal(kinds)
    _register_conv2d(kinds)
    _register_channels(kinds)


def _check_output(path: str, force: bool, suffixes: tuple[str, ...]) -> Path:
    """Refuse a wrong suffix, a missing ffmpeg for .mp4, then what check_output_path refuses."""
    suffix = Path(path).suffix.lower()
    if suffix not in suffixes:
        raise CLIError(f"--output must end in {' or '.join(suffixes)}, got {path!r}")
    if suffix == ".mp4" and shutil.which("ffmpeg") is None:
        raise CLIError(f"--output {path!r}: writing .mp4 needs ffmpeg on PATH; use .gif")
    return check_output_path(path, force)


def _write(result, out: Path) -> None:
    """Save an Animation or Picture; a refused write names the user's path, not a temp file."""
    try:
        result.save(out)
    except OSError as exc:
        raise CLIError(f"cannot write --output {str(out)!r}: {exc.strerror or exc}") from None


def _dims(values: tuple[int, ...], name: str, minimum: int) -> tuple[int, int]:
    from convolab._args import as_tuple

    return as_tuple(scalar_or_tuple(values), 2, name, minimum=minimum)


def _padding(value, transposed: bool = False):
    """``--padding``: 'same' / 'valid' as they are (not for a transposed convolution)."""
    from convolab._args import invalid

    if not isinstance(value, str):
        return _dims(value, "--padding", 0)
    if transposed:
        raise invalid("--padding", value, "ints with --transposed (padding crops its output)")
    return value


def _check_fps(out: Path, fps: int) -> None:
    """``--fps`` >= 1, and at most 50 for a GIF (its delays are whole centiseconds)."""
    from convolab._args import as_int
    from convolab.viz._frames import check_gif_fps

    check_gif_fps(out, as_int(fps, "--fps", minimum=1), "--fps")


def _check_sigma(sigma: float) -> float:
    """``--sigma`` in [SIGMA_RANGE], checked whether or not an operand is a gaussian."""
    from convolab._args import invalid

    low, high = SIGMA_RANGE
    if not low <= sigma <= high:  # NaN fails too
        raise invalid("--sigma", sigma, f"a number from {low:g} to {high:g}")
    return sigma


def _run_signal(args) -> str:
    from convolab import signal, viz
    from convolab.viz._signal import check_frames

    f, g = signal.get_function(args.f, "--f"), signal.get_function(args.g, "--g")
    _check_sigma(args.sigma)
    check_frames(args.frames, "--frames")  # before anything is drawn
    if args.sigma != 1.0:  # the library's gaussian has sigma 1
        f, g = (
            signal.gaussian(args.sigma) if name == "gaussian" else fn
            for name, fn in ((args.f, f), (args.g, g))
        )
    out = _check_output(args.output, args.force, (".gif", ".mp4"))
    _check_fps(out, args.fps)
    animation = viz.animate_signal(f, g, frames=args.frames, fps=args.fps)
    _write(animation, out)
    first, last = animation.metadata[0].t, animation.metadata[-1].t
    return f"{len(animation)} frames, t from {first:.2f} to {last:.2f}"


def _run_conv2d(args) -> str:
    from convolab import viz
    from convolab._args import as_int
    from convolab.viz._steps import check_grid

    size = _dims(args.input, "--input", 1)
    check_grid(size, "--input")
    kernel, stride = _dims(args.kernel, "--kernel", 1), _dims(args.stride, "--stride", 1)
    dilation, padding = (
        _dims(args.dilation, "--dilation", 1),
        _padding(args.padding, args.transposed),
    )
    as_int(args.seed, "--seed", minimum=0)
    out = _check_output(args.output, args.force, (".gif", ".mp4"))
    _check_fps(out, args.fps)
    animation = viz.animate_conv2d(
        size,
        kernel,
        stride,
        padding,
        dilation,
        transposed=args.transposed,
        values=args.values,
        fps=args.fps,
        seed=args.seed,
    )
    _write(animation, out)
    o = animation.info["output_size"]
    return f"{len(animation)} frames, output {o[0]}x{o[1]}"


def _check_layer(args, size, kernel, stride, padding) -> None:
    """What channels_figure checks, with the flag names: --channels, --kernels, --kernel."""
    from convolab import shape
    from convolab._args import InputError, InvalidValueError, as_int, invalid
    from convolab.viz._channels import MAX_CHANNELS

    for flag, value in (("--channels", args.channels), ("--kernels", args.kernels)):
        if as_int(value, flag, minimum=1) > MAX_CHANNELS:
            raise invalid(flag, value, f"an int from 1 to {MAX_CHANNELS}")
    try:
        shape.conv_output_size(size, kernel, stride, padding)
    except InputError as exc:
        given = {n: _shown(v) for n, v in vars(args).items() if n in _GRID_FLAGS}
        raise InvalidValueError(
            f"--kernel {given['kernel']} does not fit --input {given['input']} with "
            f"--padding {given['padding']} ({exc})"
        ) from None


def _shown(value) -> str:
    """A flag's value as typed: ``(9, 14)`` as ``9x14``, ``'same'`` as ``same``."""
    return value if isinstance(value, str) else "x".join(map(str, value))


def _run_channels(args) -> str:
    from convolab import viz

    size, kernel = _dims(args.input, "--input", 1), _dims(args.kernel, "--kernel", 1)
    stride, padding = _dims(args.stride, "--stride", 1), _padding(args.padding)
    _check_layer(args, size, kernel, stride, padding)
    out = _check_output(args.output, args.force, (".png",))
    picture = viz.channels_figure(size, args.channels, args.kernels, kernel, stride, padding)
    _write(picture, out)
    return "output " + "x".join(str(v) for v in picture.info["output"])


def run(args: argparse.Namespace) -> int:
    runner = {"signal": _run_signal, "conv2d": _run_conv2d, "channels": _run_channels}
    summary = runner[args.kind](args)
    size = Path(args.output).stat().st_size
    print(f"convolab animate {args.kind}: wrote {args.output} ({summary}, {size // 1024} KiB)")
    return 0
