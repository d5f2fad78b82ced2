"""Fixtures for the visualizer: a server in a thread, pages that record console errors.

The ``browser`` fixture (headless Debian Chromium through Playwright, skipping when either
is missing) comes from ``tests/conftest.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from _visualize_pages import open_page

from convolab.visualize import make_server, page_html, server_url


@pytest.fixture(scope="session")
def server_address():
    """The http:// address of a visualizer server on 127.0.0.1, a free port."""
    server = make_server(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_url(server)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def page_file(tmp_path_factory) -> Path:
    """The self-contained page written to a file, for file:// tests."""
    path = tmp_path_factory.mktemp("visualize") / "visualizer.html"
    path.write_text(page_html(), encoding="utf-8")
    return path


@pytest.fixture
def served_page(browser, server_address):
    """The served page at 1280x800; the test fails on any console error."""
    page = open_page(browser, server_address)
    yield page
    errors = page.errors
    page.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture(scope="session")
def screens_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screens")
