"""Serving a page on this machine, for ``convolab visualize`` and ``convolab explain``.

Both bind 127.0.0.1 unless told otherwise (another address is warned about), turn a taken
port or a bad address into a one-line user error, print the address, open a browser unless
``--no-browser``, and stop on Ctrl-C.
"""

from __future__ import annotations

import errno
import sys

from convolab.cli._common import CLIError


def add_serve_options(parser, default_port: int, what: str) -> None:
    """``--port``, ``--host`` and ``--no-browser``."""
    parser.add_argument(
        "--port",
        type=int,
        default=default_port,
        help=f"port to serve on (default {default_port}; 0 picks a free one)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only); any other "
        f"address makes the {what} reachable from other machines",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")


def bind(command: str, what: str, host: str, port: int, make):
    """``make(host, port)``'s server, or a one-line error naming the port or the address."""
    from convolab.visualize import is_loopback

    if not 0 <= port <= 65535:
        raise CLIError(f"--port must be an int between 0 and 65535, got {port}")
    if not is_loopback(host):
        print(
            f"convolab {command}: warning: --host {host} makes the {what} reachable "
            "from other machines",
            file=sys.stderr,
        )
    try:
        return make(host, port)
    except OSError as exc:  # the address is the user's choice: taken, not ours, not a name
        if exc.errno == errno.EADDRINUSE:
            raise CLIError(
                f"port {port} on {host} is already in use; pick another with "
                "--port N (0 picks a free one)"
            ) from None
        reason = exc.strerror or str(exc)
        raise CLIError(f"cannot serve on --host {host} --port {port}: {reason}") from None


def serve(command: str, server, open_browser: bool) -> int:
    """Serve until Ctrl-C, saying where; the browser opens the page unless told not to."""
    from convolab.visualize import server_url

    url = server_url(server)
    print(f"convolab {command}: serving {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(f"convolab {command}: stopped", flush=True)
    finally:
        server.server_close()
    return 0
