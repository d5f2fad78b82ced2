"""``convolab visualize``: the interactive convolution visualizer, served on this machine."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from convolab.cli._common import CLIError, check_output_path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "visualize",
        help="interactive convolution visualizer in the browser",
        description="Serve the convolution visualizer on this machine (127.0.0.1) and open it "
        "in the browser; Ctrl-C stops it. With --save, write the page as one self-contained "
        "HTML file instead, which works offline from a file.",
    )
    p.add_argument(
        "--port", type=int, default=8765, help="port to serve on (default 8765; 0 picks a free one)"
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only); any other "
        "address makes the page reachable from other machines",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
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


def _bind(host: str, port: int):
    from convolab.visualize import is_loopback, make_server

    if not is_loopback(host):
        print(
            f"convolab visualize: warning: --host {host} makes the visualizer reachable "
            "from other machines",
            file=sys.stderr,
        )
    try:
        return make_server(host, port)
    except OSError as exc:  # the address is the user's choice: taken, not ours, not a name
        if exc.errno == errno.EADDRINUSE:
            raise CLIError(
                f"port {port} on {host} is already in use; pick another with "
                "--port N (0 picks a free one)"
            ) from None
        reason = exc.strerror or str(exc)
        raise CLIError(f"cannot serve on --host {host} --port {port}: {reason}") from None


def run(args: argparse.Namespace) -> int:
    if args.save is not None:
        return _save(args.save, args.force)
    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be an int between 0 and 65535, got {args.port}")
    from convolab.visualize import server_url

    server = _bind(args.host, args.port)
    url = server_url(server)
    print(f"convolab visualize: serving {url} (Ctrl-C to stop)", flush=True)
    if not args.no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("convolab visualize: stopped", flush=True)
    finally:
        server.server_close()
    return 0
