"""The demo report: every section computed live by the library, written as one page."""

from __future__ import annotations

import importlib
import platform
import time
from collections.abc import Callable
from pathlib import Path

from convolab import __version__
from convolab._args import InvalidValueError
from convolab._io import atomic_path
from convolab.report._context import DemoContext
from convolab.report._page import Section, esc, render_page

MARKER = ".convolab-demo"  # marks a directory this command made, safe to write into again

# (anchor, title, module, function): the story in the order the page tells it
SECTIONS = (
    ("definition", "Definition: the integral", "_definition", "definition_section"),
    ("algebra", "Algebraic properties", "_algebra", "algebra_section"),
    (
        "computation",
        "Computation with an image and a kernel",
        "_computation",
        "computation_section",
    ),
    ("images", "Effect on images", "_images", "images_section"),
    ("arithmetic", "Convolution arithmetic", "_arithmetic", "arithmetic_section"),
    ("zoo", "The CNN zoo", "_zoo", "zoo_section"),
    ("training", "Training LeNet-5 on real digits", "_training", "training_section"),
    ("performance", "Performance", "_performance", "performance_section"),
)

INTRO = (
    "<p>Convolution from its definition to trained networks, every number and picture on "
    "this page computed by <code>convolab</code> while it was made: the integral and its "
    "animations, the NumPy engine against PyTorch, filters on a real photograph, the shape "
    "arithmetic, the classic CNNs, and a LeNet-5 trained on real digits.</p>"
)


def prepare_output(out: Path, force: bool = False) -> None:
    """Create ``out``, refusing a non-empty directory this command did not make."""
    if out.exists() and not out.is_dir():
        raise InvalidValueError(f"out must be a directory, got {str(out)!r}, which is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise InvalidValueError(
            f"out must be a new or empty directory (or a previous demo's), got {str(out)!r}, "
            "which holds other files; pass --force to write into it anyway"
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `convolab demo`\n")


def build_demo(
    out: str | Path = "out/demo",
    *,
    quick: bool = False,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Path:
    """Compute every section and write ``out/index.html``; return its path."""
    out = Path(out)
    prepare_output(out, force)
    ctx = DemoContext(out, quick=quick)
    sections, start = [], time.perf_counter()
    for i, (anchor, title, module, function) in enumerate(SECTIONS, 1):
        progress(f"[{i}/{len(SECTIONS)}] {title} ...")
        t0 = time.perf_counter()
        build = getattr(importlib.import_module(f"convolab.report.{module}"), function)
        body = build(ctx)
        sections.append(Section(anchor, title, body, time.perf_counter() - t0))
        progress(f"      done in {sections[-1].seconds:.1f} s")
    footer = _footer(sections, time.perf_counter() - start, quick)
    index = out / "index.html"
    with atomic_path(index) as tmp:
        tmp.write_text(
            render_page("convolab: convolution made real", INTRO, sections, footer),
            encoding="utf-8",
        )
    return index


def _footer(sections: list[Section], total: float, quick: bool) -> str:
    timings = ", ".join(f"{esc(s.title.split(':')[0])} {s.seconds:.1f} s" for s in sections)
    mode = "quick mode" if quick else "full mode"
    return (
        f"<p>Made by convolab {esc(__version__)} in {total:.0f} s ({mode}) on "
        f"{esc(platform.machine())}, Python {esc(platform.python_version())}. "
        f"Time per section: {timings}.</p>"
    )
