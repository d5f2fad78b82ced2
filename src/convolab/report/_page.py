"""HTML building blocks of the demo report: escaping, tables, figures and the page itself.

The page is self-contained: its stylesheet is inlined, its pictures are files in ``assets/``
beside ``index.html`` referenced by relative paths, and it loads no script, font or image
from anywhere else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Section:
    """One numbered section of the report."""

    anchor: str  # id of the <section>, used by the table of contents
    title: str
    body: str  # HTML fragment
    seconds: float = 0.0  # time taken to compute it, shown in the footer


def esc(value: object) -> str:
    """``value`` as text safe to put inside HTML."""
    return html.escape(str(value), quote=True)


def paragraph(text: str) -> str:
    """A paragraph of trusted HTML (the report's own prose)."""
    return f"<p>{text}</p>\n"


_NUMBER = re.compile(r"[-+]?[\d,.]+(e[-+]?\d+)?( ?[KMG%])?")


def _cell(value: object) -> str:
    """A table cell; numbers get the class that right-aligns them."""
    text = str(value)
    kind = ' class="n"' if _NUMBER.fullmatch(text) else ""
    return f"<td{kind}>{esc(text)}</td>"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    """An HTML table; numeric cells are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>\n" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n'
    )


def figure(src: str, caption: str, alt: str, width: int | None = None) -> str:
    """A picture in ``assets/`` with its caption."""
    size = f' style="max-width:{width}px"' if width else ""
    return (
        f'<figure><img src="{esc(src)}" alt="{esc(alt)}" loading="eager"{size}>'
        f"<figcaption>{caption}</figcaption></figure>\n"
    )


def row(*items: str) -> str:
    """Figures side by side (wrapping on a narrow window)."""
    return '<div class="row">' + "".join(items) + "</div>\n"


def code(text: str) -> str:
    """A block of code or terminal output."""
    return f"<pre><code>{esc(text)}</code></pre>\n"


def render_page(title: str, intro: str, sections: Sequence[Section], footer: str) -> str:
    """The whole ``index.html``: stylesheet inlined, table of contents, numbered sections."""
    css = resources.files("convolab.report").joinpath("style.css").read_text(encoding="utf-8")
    toc = "".join(f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{s.anchor}"><h2><span class="num">{i}</span>{esc(s.title)}</h2>\n'
        f"{s.body}</section>\n"
        for i, s in enumerate(sections, 1)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}</style></head>\n<body><main>\n"
        f"<header><h1>{esc(title)}</h1>{intro}<nav><ol>{toc}</ol></nav></header>\n"
        f"{body}<footer>{footer}</footer>\n</main></body></html>\n"
    )
