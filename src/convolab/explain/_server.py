"""The local web server behind ``convolab explain``: the page, and torch behind its questions.

Routes: ``GET /`` the page, ``/style.css``, ``/js/*.js`` (the explain modules and the
visualizer's engine they share); ``GET /model.json`` the model; ``POST /forward`` with
``{"pixels": ...}`` (see :func:`convolab.explain._inputs.pixels_from_page`) one pass, its
maps and top classes; ``GET /cell?layer=L&cell=c,y,x`` what made one cell;
``/channel?layer=L&channel=C`` one map whole; ``/channels?layer=L`` every map of a layer;
``/kernels?layer=L`` a convolution's kernels. A bad question gets status 400 and
``{"error": "<one line>"}``. It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import json
import sys
import traceback
from functools import partial
from urllib.parse import parse_qs, urlsplit

from convolab._args import InputError, invalid
from convolab.explain._inputs import pixels_from_page
from convolab.explain._page import SCRIPTS, STATIC, served_data
from convolab.visualize._server import DEFAULT_HOST, PageHandler, bind

MAX_BODY = 64 << 20  # bytes of a POSTed image: 4096 x 4096 x 3 in base64, and then some


def _ints(query: dict, name: str) -> list[int]:
    try:
        return [int(v) for v in query[name][0].split(",")]
    except (KeyError, ValueError):
        raise invalid(name, query.get(name, [None])[0], "comma-separated ints") from None


class _Handler(PageHandler):
    """Answers the page from one :class:`~convolab.explain.Explanation`."""

    roots = (STATIC, SCRIPTS.parent)

    def __init__(self, *args, explanation, **kwargs):
        self.explanation = explanation
        super().__init__(*args, **kwargs)

    def _json(self, answer, status: int = 200) -> None:
        self.send(json.dumps(answer).encode(), "application/json", status)

    def _answer(self, question) -> None:
        """Run ``question()``: its JSON, or a one-line error (400 for the user's input)."""
        try:
            self._json(question())
        except InputError as exc:
            self._json({"error": " ".join(str(exc).split())}, 400)
        except Exception as exc:  # a bug: said on the terminal, one line to the page
            traceback.print_exc(file=sys.stderr)
            self._json({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        ex = self.explanation
        routes = {
            "/model.json": lambda: served_data(ex),
            "/cell": lambda: ex.cell(_ints(query, "layer")[0], _ints(query, "cell")),
            "/channel": lambda: ex.channel(_ints(query, "layer")[0], _ints(query, "channel")[0]),
            "/channels": lambda: ex.all_channels(_ints(query, "layer")[0]),
            "/kernels": lambda: ex.kernels(_ints(query, "layer")[0]),
        }
        if url.path in routes:
            self._answer(routes[url.path])
        else:
            self.static(url.path)

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/forward":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            self._json({"error": f"an image of at most {MAX_BODY} bytes, got {length}"}, 400)
            return
        body = self.rfile.read(length)

        def forward():
            try:
                pixels = json.loads(body)["pixels"]
            except (ValueError, KeyError, TypeError):
                raise invalid("request", "its body", 'JSON {"pixels": ...}') from None
            return self.explanation.run(pixels_from_page(pixels, self.explanation.inputs.channels))

        self._answer(forward)


def make_server(explanation, host: str = DEFAULT_HOST, port: int = 0):
    """A bound, not yet serving, HTTP server for ``explanation``'s page (``port`` 0: any
    free one). Raises ``OSError`` (``errno.EADDRINUSE``) when the port is taken."""
    return bind(host, port, partial(_Handler, explanation=explanation))
