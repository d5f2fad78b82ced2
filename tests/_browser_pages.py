"""Browser pages for the visualizer's and the explain page's tests: console errors
recorded, screenshots kept where the lead looks."""

from __future__ import annotations

import shutil
from pathlib import Path

NOTES_SCREENS = Path("/work/notes/screens")  # where the lead looks, when it exists


def new_page(browser, url: str, width: int, height: int):
    """A page at ``url`` whose console errors and uncaught exceptions land in ``page.errors``."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    return page


def save_screenshot(page, directory: Path, name: str) -> Path:
    """Save a full-page screenshot, and a copy in /work/notes/screens when that exists."""
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)
    return path
