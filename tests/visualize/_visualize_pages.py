"""Opening the page in the browser and saving what it shows."""

from __future__ import annotations

import shutil
from pathlib import Path

NOTES_SCREENS = Path("/work/notes/screens")  # where the lead looks, when it exists


def open_page(browser, url: str, width: int = 1280, height: int = 800):
    """A page at ``url`` whose console errors and uncaught exceptions land in ``page.errors``."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function("window.convolabVis && window.convolabVis.image !== undefined")
    return page


def show_image(page, kernel: str) -> None:
    """Switch to the Image tab, wait for its photo, and filter it with ``kernel``."""
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    page.evaluate("name => convolabVis.image.setKernel(name)", kernel)


def save_screenshot(page, directory: Path, name: str) -> Path:
    """Save a full-page screenshot, and a copy in /work/notes/screens when that exists."""
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)
    return path


def apply_setting(page, base: dict, **changes) -> dict:
    """Apply ``base`` with ``changes`` through the page's test hook; its summary snapshot."""
    return page.evaluate("s => convolabVis.apply(s)", {**base, **changes})
