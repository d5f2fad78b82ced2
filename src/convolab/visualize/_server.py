"""The local web server behind ``convolab visualize``: static files, kernels and photos.

Routes (GET only): ``/`` the page, ``/style.css`` and ``/js/*.js`` its files,
``/kernels.json`` the kernel bank, ``/photos.json`` the photo names and
``/photos/<name>.png`` a photo. It binds to 127.0.0.1 unless told otherwise.

:class:`PageHandler` (static files, replies, quiet logs) and :func:`bind` (the threading
server, IPv4 or IPv6) also serve ``convolab explain``'s page.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from convolab.visualize._data import PHOTOS, kernel_bank, photo_png
from convolab.visualize._page import STATIC

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}


class PageHandler(BaseHTTPRequestHandler):
    """Serves files of ``roots`` (``/`` is the first root's ``index.html``); subclasses add
    routes in :meth:`do_GET` and fall back to :meth:`static`."""

    roots: tuple[Path, ...] = (STATIC,)

    def static(self, path: str) -> None:
        """The file ``path`` from the first root that holds it (html, css or js), else 404."""
        for root in self.roots:
            file = (root / (path.lstrip("/") or "index.html")).resolve()
            if root.resolve() in file.parents and file.suffix in _TYPES and file.is_file():
                self.send(file.read_bytes(), _TYPES[file.suffix] + "; charset=utf-8")
                return
        self.send_error(404)

    def send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        """Quiet: one line per request would bury the one line that matters."""


class _Handler(PageHandler):
    """Serves the page; ``kernels`` is the kernel bank JSON, computed once per server."""

    def __init__(self, *args, kernels: bytes, **kwargs):
        self.kernels = kernels
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/kernels.json":
            self.send(self.kernels, "application/json")
        elif path == "/photos.json":
            self.send(json.dumps({"photos": list(PHOTOS)}).encode(), "application/json")
        elif path.startswith("/photos/") and path.endswith(".png"):
            name = path[len("/photos/") : -len(".png")]
            if name in PHOTOS:
                self.send(photo_png(name), "image/png")
            else:
                self.send_error(404, f"no photo {name!r}")
        else:
            self.static(path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C does not wait for open connections

    def handle_error(self, request, client_address) -> None:
        """A browser that closes a tab mid-reply is no error; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    """True when ``host`` (an address or a name) resolves to a loopback address only."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def bind(host: str, port: int, handler) -> ThreadingHTTPServer:
    """A bound, not yet serving, threading HTTP server of ``handler`` (``port`` 0: any free
    one). Raises ``OSError`` (``errno.EADDRINUSE``) when the port is taken."""
    server_class = _Server6 if ":" in host else _Server
    return server_class((host, port), handler)


def make_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A bound, not yet serving, HTTP server for the visualizer (``port`` 0: any free one).

    Raises ``OSError`` (``errno.EADDRINUSE``) when the port is taken.
    """
    kernels = json.dumps(kernel_bank()).encode()
    return bind(host, port, partial(_Handler, kernels=kernels))


def server_url(server: ThreadingHTTPServer) -> str:
    """``http://host:port/`` of a bound server, IPv6 hosts in brackets."""
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
