"""``convolab filter``: the classic kernels on a photo, one at a time or side by side."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import CLIError, add_max_pixels, max_pixels

# Kernel parameters offered as options: (option, type, help). The ranges are those of
# convolab.image._kernels.RANGES (a test holds the two together; importing the bank here
# would slow down `convolab --help`).
KERNEL_OPTIONS = (
    ("size", int, "kernel size, 1 to 301 (identity, box_blur, gaussian_blur, unsharp_mask)"),
    (
        "sigma",
        float,
        "Gaussian standard deviation in pixels, > 0 and at most 50 (gaussian_blur, unsharp_mask)",
    ),
    ("amount", float, "strength of sharpen / unsharp_mask, -100 to 100"),
    ("length", int, "line length in pixels, 1 to 301 (motion_blur)"),
    ("angle", float, "line angle in degrees, counter-clockwise (motion_blur)"),
    ("operator", str, "x/y pair of edge_magnitude: sobel, prewitt or scharr"),
)
DEFAULT_COMPARE = "blur,sharpen,edges,emboss"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "filter",
        help="apply classic image kernels (blur, sharpen, edges, ...) to a photo",
        description="Filter a photo with a kernel of the bank (correlation, as scipy.ndimage "
        "and cv2.filter2D; --convolve flips the kernel). Without PHOTO, scikit-image's "
        "astronaut photograph is used.",
    )
    p.add_argument("photo", nargs="?", help="input image (PNG, JPEG, TIFF, BMP, WebP)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--kernel", "-k", help="kernel name or alias (see --list)")
    what.add_argument(
        "--compare",
        nargs="?",
        const=DEFAULT_COMPARE,
        metavar="K1,K2,...",
        help=f"the original and each kernel side by side (default {DEFAULT_COMPARE})",
    )
    what.add_argument(
        "--matrix",
        metavar="ROWS|@FILE",
        help="a custom kernel: rows split by ';', values by ',' (e.g. "
        "'0,-1,0;-1,5,-1;0,-1,0'), or @FILE (.npy, or text: a row per line)",
    )
    what.add_argument("--list", action="store_true", help="list the kernels and exit")
    p.add_argument("--output", "-o", help="output image file (.png, .jpg, .tif, .bmp, .webp)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")
    _add_filtering_options(p)
    add_max_pixels(p)
    for name, kind, text in KERNEL_OPTIONS:
        p.add_argument(f"--{name}", type=kind, default=None, help=text)
    p.set_defaults(func=run)


def _add_filtering_options(p: argparse.ArgumentParser) -> None:
    """How the photo is filtered: boundary, flip, luminance, display scale."""
    p.add_argument(
        "--mode",
        default="reflect",
        help="boundary: reflect (default), constant, nearest, mirror, wrap (as scipy.ndimage)",
    )
    p.add_argument("--cval", type=float, default=0.0, help="value outside for --mode constant")
    p.add_argument("--convolve", action="store_true", help="true convolution (flip the kernel)")
    p.add_argument(
        "--gray",
        action="store_true",
        help="filter the luminance, as textbooks show edges and emboss: ITU-R BT.601 luma "
        "0.299 R + 0.587 G + 0.114 B, exactly as Pillow's convert('L'); alpha is kept",
    )
    p.add_argument(
        "--scale",
        choices=("auto", "clip"),
        default="auto",
        help="auto: derivative responses around mid-grey, magnitudes stretched; "
        "clip: the exact result, saturated to the image's range",
    )


def run(args: argparse.Namespace) -> int:
    from convolab import image as cimage

    if args.list:
        _print_bank(cimage)
        return 0
    if not args.output:
        raise CLIError("--output/-o is required with --kernel, --matrix and --compare")
    args.max_pixels = max_pixels(args.max_pixels)  # checked before any work
    if args.matrix is not None:
        return _run_matrix(cimage, args)
    names = [args.kernel] if args.kernel else [n.strip() for n in args.compare.split(",")]
    params = {name: _params_for(cimage, name, args, strict=bool(args.kernel)) for name in names}
    out = _output(cimage, args)
    photo = _load(cimage, args)
    results = [_filtered(cimage, photo, name, params[name], args) for name in names]
    if args.kernel:
        picture = results[0]
    else:
        tiles = [("original", cimage.display_kernel(photo, "identity"))]
        tiles += [(_label(cimage, n, params[n]), r) for n, r in zip(names, results)]
        picture = cimage.compare_grid(tiles)
    cimage.write_image(out, picture, overwrite=True)
    print(f"convolab filter: wrote {out} ({picture.shape[1]}x{picture.shape[0]})")
    return 0


def _run_matrix(cimage, args) -> int:
    """A user's kernel: checked (2-D, non-empty, finite) before the photo is read."""
    kernel = cimage.check_kernel(_parse_matrix(args.matrix))
    if any(given is not None for given in (getattr(args, n) for n, _, _ in KERNEL_OPTIONS)):
        raise CLIError("kernel options (--size, --sigma, ...) apply to --kernel, not --matrix")
    out = _output(cimage, args)
    photo = _load(cimage, args)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        kh, kw = kernel.shape
        print(
            f"note: even-sized {kh}x{kw} kernel, anchored at K[{kh // 2}, {kw // 2}] "
            "(OpenCV's default anchor, scipy.ndimage's origin=0)"
        )
    response = cimage.correlate_image(photo, kernel, args.mode, args.cval, convolve=args.convolve)
    picture = cimage.to_image_dtype(response, photo)
    if args.scale == "auto":
        kind = "image" if abs(kernel.sum() - 1) < 1e-6 else "signed"
        picture = cimage.to_display(response, kind, _white(photo))
    cimage.write_image(out, picture, overwrite=True)
    print(f"convolab filter: wrote {out} ({picture.shape[1]}x{picture.shape[0]})")
    return 0


def _read_matrix_file(path: Path):
    """A .npy array (no pickles), or the text of a kernel file; a bad file is a user error."""
    import numpy as np

    try:
        return np.load(path) if path.suffix == ".npy" else path.read_text()
    except (ValueError, EOFError) as exc:  # not a .npy / not text (UnicodeDecodeError)
        kind = "a .npy array" if path.suffix == ".npy" else "a text file"
        raise CLIError(f"--matrix file {str(path)!r} is not {kind}: {exc}") from None


def _parse_matrix(text: str):
    import numpy as np

    if text.startswith("@"):
        content = _read_matrix_file(Path(text[1:]))
        if not isinstance(content, str):
            return content
        text = ";".join(content.splitlines())
    rows = [r.replace(",", " ").split() for r in text.split(";") if r.strip()]
    if len({len(r) for r in rows}) > 1:
        raise CLIError(f"--matrix rows must all have the same length, got {text!r}")
    try:
        return np.array([[float(v) for v in r] for r in rows]).reshape(len(rows), -1 if rows else 0)
    except ValueError:
        raise CLIError(f"--matrix must hold numbers, got {text!r}") from None


def _print_bank(cimage) -> None:
    for name in cimage.list_kernels():
        info = cimage.kernel_info(name)
        params = ", ".join(f"{k}={v}" for k, v in info.params.items())
        print(f"{name:15s} {info.summary}" + (f"  [{params}]" if params else ""))
    ranges = {
        p: r for name in cimage.list_kernels() for p, r in cimage.kernel_info(name).ranges.items()
    }
    print("parameters: " + "; ".join(f"{p}: {r}" for p, r in ranges.items()))
    aliases = ", ".join(f"{a} = {t}" for a, t in sorted(cimage.ALIASES.items()))
    print(f"aliases: {aliases}")


def _params_for(cimage, name: str, args, strict: bool) -> dict:
    """The kernel options given on the command line that ``name`` accepts."""
    from convolab.image._kernels import build_kernels

    accepted = cimage.kernel_info(name).params
    given = {n: getattr(args, n) for n, _, _ in KERNEL_OPTIONS if getattr(args, n) is not None}
    extra = sorted(set(given) - set(accepted))
    if strict and extra:
        accepts = ", ".join(f"--{p}" for p in accepted) or "no options"
        raise CLIError(f"--{extra[0]} does not apply to kernel {name!r} (it takes {accepts})")
    params = {n: v for n, v in given.items() if n in accepted}
    build_kernels(name, **params)  # validates the values before any work
    return params


def _output(cimage, args):
    """The checked output path: not an existing file (without --force), a known suffix."""
    from convolab.cli._common import check_output_path

    out = check_output_path(args.output, args.force)
    if out.suffix.lower() not in cimage.FORMATS:
        raise CLIError(f"output must end in one of {', '.join(cimage.FORMATS)}, got {str(out)!r}")
    return out


def _white(photo) -> float:
    return {"uint8": 255.0, "uint16": 65535.0}.get(photo.dtype.name, 1.0)


def _load(cimage, args):
    """The photo (``args.max_pixels`` already checked), the bundled one under the same limit.

    With ``--gray``, its luminance (alpha kept).
    """
    if args.photo is not None:
        photo = cimage.read_image(args.photo, max_pixels=args.max_pixels)
    else:
        photo = cimage.sample_image("astronaut")
        height, width = photo.shape[:2]
        if height * width > args.max_pixels:
            raise CLIError(
                f"the bundled photo has {height * width} pixels ({width}x{height}), "
                f"more than --max-pixels={args.max_pixels}"
            )
    return cimage.luminance(photo) if args.gray else photo


def _filtered(cimage, photo, name: str, params: dict, args):
    if args.scale == "clip":
        return cimage.apply_kernel(
            photo, name, args.mode, args.cval, convolve=args.convolve, **params
        )
    return cimage.display_kernel(
        photo, name, args.mode, args.cval, convolve=args.convolve, **params
    )


def _label(cimage, name: str, params: dict) -> str:
    info = cimage.kernel_info(name)
    text = info.name if name == info.name else f"{name} ({info.name})"
    return text + "".join(f" {k}={v}" for k, v in params.items())
