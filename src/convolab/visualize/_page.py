"""The visualizer as one self-contained HTML string: for ``file://`` and for embedding.

The served page loads ``style.css`` and the ES module ``js/main.js``. Here the stylesheet is
inlined, the modules become one classic script (:mod:`convolab.visualize._bundle`) and the
kernel bank is inlined as JSON, so the page needs no server and no network. Its image mode
shows one bundled photo, embedded as a PNG data URL (:data:`EMBEDDED_PHOTO`, at most
:data:`EMBEDDED_SIDE` pixels a side: about 27 KiB of the page), and any local file the user
picks; the other bundled photos need the server.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from convolab.visualize._bundle import bundle
from convolab.visualize._data import kernel_bank, photo_png

STATIC = Path(__file__).parent / "static"
_STYLESHEET = '<link rel="stylesheet" href="style.css">'
EMBEDDED_PHOTO = "camera"  # grey, sharp edges: every kernel of the bank shows on it
EMBEDDED_SIDE = 192  # pixels; a 192 x 192 grey PNG is about 20 KiB


def self_contained(static: Path, scripts: Path, entry: str, data_id: str, data: dict) -> str:
    """``static/index.html`` as one document: ``style.css`` inlined, the ES modules from
    ``scripts/{entry}.js`` on bundled into one classic script, and ``data`` as a JSON script
    element of id ``data_id``. The page of the visualizer and of ``convolab explain``."""
    html = (static / "index.html").read_text(encoding="utf-8")
    css = (static / "style.css").read_text(encoding="utf-8")
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    tags = (
        f'<script type="application/json" id="{data_id}">{payload}</script>\n'
        f"<script>\n{bundle(scripts, entry)}</script>"
    )
    html = _replace_once(html, _STYLESHEET, f"<style>\n{css}</style>")
    return _replace_once(html, f'<script type="module" src="js/{entry}.js"></script>', tags)


def _replace_once(html: str, old: str, new: str) -> str:
    assert html.count(old) == 1, f"index.html must contain {old!r} once"
    return html.replace(old, new)


def page_html() -> str:
    """The visualizer page as one HTML document with its CSS, JavaScript and kernels inlined.

    Open it from a file, write it with ``convolab visualize --save page.html``, or embed it
    (e.g. in an ``<iframe srcdoc>``): it fetches nothing.
    """
    photo = base64.b64encode(photo_png(EMBEDDED_PHOTO, EMBEDDED_SIDE)).decode("ascii")
    photos = [{"name": EMBEDDED_PHOTO, "url": f"data:image/png;base64,{photo}"}]
    return self_contained(STATIC, STATIC / "js", "main", "convolab-data",
                          {**kernel_bank(), "photos": photos})  # fmt: skip
