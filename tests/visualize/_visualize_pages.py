"""Opening the page in the browser and saving what it shows."""

from __future__ import annotations

from _browser_pages import new_page, save_screenshot

__all__ = ["apply_setting", "open_page", "save_screenshot", "show_image"]


def open_page(browser, url: str, width: int = 1280, height: int = 800):
    """A page at ``url`` whose console errors and uncaught exceptions land in ``page.errors``."""
    page = new_page(browser, url, width, height)
    page.wait_for_function("window.convolabVis && window.convolabVis.image !== undefined")
    return page


def show_image(page, kernel: str) -> None:
    """Switch to the Image tab, wait for its photo, and filter it with ``kernel``."""
    page.check("input[name=view][value=image]")
    page.evaluate("convolabVis.image.settled()")
    page.evaluate("name => convolabVis.image.setKernel(name)", kernel)


def apply_setting(page, base: dict, **changes) -> dict:
    """Apply ``base`` with ``changes`` through the page's test hook; its summary snapshot."""
    return page.evaluate("s => convolabVis.apply(s)", {**base, **changes})
