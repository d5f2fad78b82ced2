"""The demo report: every section computed live by the library, written as one page."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from pathlib import Path

from convolab import __version__
from convolab._args import InvalidValueError
from convolab.report._algebra import algebra_section
from convolab.report._arithmetic import arithmetic_section
from convolab.report._computation import computation_section
from convolab.report._context import DemoContext
from convolab.report._definition import definition_section
from convolab.report._images import images_section
from convolab.report._page import Section, esc, render_page
from convolab.report._performance import performance_section
from convolab.report._publish import interrupts_stop, publish, staging, stop_if_interrupted
from convolab.report._training import training_section
from convolab.report._zoo import zoo_section

MARKER = ".convolab-demo"  # marks a directory this command made, safe to write into again

# (anchor, title, function): the story in the order the page tells it
SECTIONS = (
    ("definition", "Definition: the integral", definition_section),
    ("algebra", "Algebraic properties", algebra_section),
    ("computation", "Computation with an image and a kernel", computation_section),
    ("images", "Effect on images", images_section),
    ("arithmetic", "Convolution arithmetic", arithmetic_section),
    ("zoo", "The CNN zoo", zoo_section),
    ("training", "Training LeNet-5 on real digits", training_section),
    ("performance", "Performance", performance_section),
)

INTRO = (
    "<p>Convolution from its definition to trained networks, every number and picture on "
    "this page computed by <code>convolab</code> while it was made: the integral and its "
    "animations, the NumPy engine against PyTorch, filters on a real photograph, the shape "
    "arithmetic, the classic CNNs, and a LeNet-5 trained on real digits.</p>"
)


def check_output(out: Path, force: bool = False) -> None:
    """Refuse an ``out`` that is a file, or a non-empty directory this command did not make."""
    if out.exists() and not out.is_dir():
        raise InvalidValueError(f"out must be a directory, got {str(out)!r}, which is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise InvalidValueError(
            f"out must be a new or empty directory (or a previous demo's), got {str(out)!r}, "
            "which holds other files; pass --force to write into it anyway"
        )


def prepare_output(out: Path, force: bool = False) -> None:
    """Create ``out`` with the marker that says this command made it (see check_output)."""
    check_output(out, force)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `convolab demo`\n")


def build_demo(
    out: str | Path = "out/demo",
    *,
    quick: bool = False,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Path:
    """Compute every section and write ``out/index.html``; return its path.

    The report is built beside ``out`` and moved into place when complete: an error or
    Ctrl-C leaves ``out`` as it was (see :mod:`convolab.report._publish`).
    """
    out = Path(out)
    check_output(out, force)
    with interrupts_stop(), staging(out) as stage:
        prepare_output(stage, force=True)
        _write_page(DemoContext(stage, quick=quick), progress)
        publish(stage, out)
    return out / "index.html"


def _write_page(ctx: DemoContext, progress: Callable[[str], None]) -> None:
    """Every section, in order, then ``index.html``."""
    sections, start = [], time.perf_counter()
    for i, (anchor, title, build) in enumerate(SECTIONS, 1):
        progress(f"[{i}/{len(SECTIONS)}] {title} ...")
        t0 = time.perf_counter()
        body = build(ctx)
        sections.append(Section(anchor, title, body, time.perf_counter() - t0))
        progress(f"      done in {sections[-1].seconds:.1f} s")
        stop_if_interrupted()
    footer = _footer(sections, time.perf_counter() - start, ctx.quick)
    page = render_page("convolab: convolution made real", INTRO, sections, footer)
    (ctx.out / "index.html").write_text(page, encoding="utf-8")


def _footer(sections: list[Section], total: float, quick: bool) -> str:
    timings = ", ".join(f"{esc(s.title.split(':')[0])} {s.seconds:.1f} s" for s in sections)
    mode = "quick mode" if quick else "full mode"
    return (
        f"<p>Made by convolab {esc(__version__)} in {total:.0f} s ({mode}) on "
        f"{esc(platform.machine())}, Python {esc(platform.python_version())}. "
        f"Time per section: {timings}.</p>"
    )
