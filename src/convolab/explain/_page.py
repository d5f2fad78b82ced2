"""The explain page as HTML: served (files and a few JSON routes) or saved as one file.

A saved page inlines the stylesheet, the page's ES modules as one classic script (the
visualizer's bundler, :mod:`convolab.visualize._bundle`: the engine and the explain modules
live side by side in ``visualize/static/js``) and the model as JSON. A model small enough
(:func:`convolab.explain._spec.runs_in_page`) brings its parameters and computes every pass
in the page; a larger one brings the passes of its bundled images, and the page says that
drawing needs the served page.
"""

from __future__ import annotations

import html
from pathlib import Path

from convolab.visualize._page import STATIC as VISUALIZE_STATIC
from convolab.visualize._page import self_contained

STATIC = Path(__file__).parent / "static"  # index.html, style.css
SCRIPTS = VISUALIZE_STATIC / "js"  # explain_*.js beside the engine they share

SERVED_NOTE = "Served by convolab explain: every pass, cell and kernel is computed by torch."
PAGE_NOTE = "A saved page: this network computes in the page (JavaScript), from its weights."
STATIC_NOTE = (
    "A saved page of a large model ({reason}): it holds the passes of its bundled images; "
    "drawing, uploads and the arithmetic of cells need the served page: convolab explain."
)


def served_data(explanation) -> dict:
    return {**explanation.spec(), "mode": "served", "mode_note": SERVED_NOTE}


def saved_data(explanation) -> dict:
    """The model as a saved page holds it: parameters, or the passes of its images."""
    reason = explanation.runs_in_page()
    if reason is None:
        return {
            **explanation.spec(),
            "mode": "page",
            "mode_note": PAGE_NOTE,
            "parameters": explanation.parameters(),
        }
    note = STATIC_NOTE.format(reason=reason)
    return {
        **explanation.spec(),
        "mode": "static",
        "mode_note": note,
        "static_note": note,
        "results": explanation.examples_run(),
    }


def page_html(data: dict) -> str:
    """One self-contained HTML document of the page with ``data`` (see :func:`saved_data`)."""
    return self_contained(STATIC, SCRIPTS, "explain_main", "convolab-explain", data)


def iframe_html(page: str, height: int = 900) -> str:
    """The page framed for a notebook cell (``srcdoc``: no file, no server)."""
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width: 100%; '
        f'height: {height}px; border: 1px solid #cbd5e1" title="convolab explain"></iframe>'
    )
