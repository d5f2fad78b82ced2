"""Serving explain pages, opening them in the browser, drawing on them, saving what they show."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from _browser_pages import new_page, save_screenshot
from convolab.explain._server import make_server
from convolab.visualize import server_url

__all__ = ["click_map", "draw_stroke", "open_explain", "save_screenshot", "served", "settle"]


def open_explain(browser, url: str, width: int = 1400, height: int = 900):
    """The page at ``url``, started and settled; console errors land in ``page.errors``."""
    page = new_page(browser, url, width, height)
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    return page


def settle(page) -> None:
    page.evaluate("convolabExplain.settled()")


def draw_stroke(page, points: list[tuple[float, float]]) -> None:
    """Drag the mouse through ``points`` (fractions of the drawing canvas) with the button
    down, as a person draws."""
    box = page.locator("#draw").bounding_box()
    xs = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xs[0])
    page.mouse.down()
    for x, y in xs[1:]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()
    settle(page)


def click_map(page, layer: int, channel: int, row: int, col: int, shape) -> None:
    """Click cell (row, col) of map ``channel`` of column ``layer`` (a layer of ``shape``
    (C, H, W) whose maps are drawn whole)."""
    canvas = page.locator(f"[data-layer='{layer}'] canvas.map").nth(channel)
    box = canvas.bounding_box()
    _, h, w = shape
    page.mouse.click(
        box["x"] + (col + 0.5) * box["width"] / w, box["y"] + (row + 0.5) * box["height"] / h
    )
    settle(page)
    page.wait_for_function("document.querySelector('#readout').textContent.length > 0")


@contextmanager
def served(explanation):
    """``explanation``'s page served on 127.0.0.1 (a free port) while the block runs."""
    server = make_server(explanation)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()
