"""``convolab visualize``: the interactive convolution visualizer, served on this machine."""

from __future__ import annotations

import argparse
from pathlib import Path

from convolab.cli._common import CLIError, check_output_path
from convolab.cli._serve import add_serve_options, bind, serve


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "visualize",
        help="interactive convolution visualizer in the browser",
        description="Serve the convolution visualizer on this machine (127.0.0.1) and open it "
        "in the browser; Ctrl-C stops it. With --save, write the page as one self-contained "
        "HTML file instead, which works offline from a file.",
    )
    add_serve_options(p, 8765, "visualizer")
    p.add_argument("--save", metavar="FILE", help="write the self-contained page to FILE and exit")
    p.add_argument("--force", action="store_true", help="overwrite the --save file")
    p.set_defaults(func=run)


def _save(path: str, force: bool) -> int:
    from convolab._io import atomic_path
    from convolab.visualize import page_html

    suffix = Path(path).suffix.lower()
    if suffix not in (".html", ".htm"):
        raise CLIError(f"--save must end in .html or .htm, got {path!r}")
    out = check_output_path(path, force)
    html = page_html()
    with atomic_path(out) as tmp:
        tmp.write_text(html, encoding="utf-8")
    print(f"convolab visualize: wrote {out} ({len(html) // 1024} KiB)")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.save is not None:
        return _save(args.save, args.force)
    from convolab.visualize import make_server

    server = bind("visualize", "visualizer", args.host, args.port, make_server)
    return serve("visualize", server, not args.no_browser)
