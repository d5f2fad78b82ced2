"""Shared test settings: hypothesis profiles and the location of ../shared."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs one worker per core: one thread each, or OpenMP's spinning threads
    # oversubscribe the cores and slow everything down. Set before torch/NumPy load.
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    # Started in the background by a non-interactive shell (`make test &`), the suite would
    # inherit an ignored SIGINT and pass it on to every command it starts, so that the
    # tests of Ctrl-C could not deliver one. A terminal's Ctrl-C is what they test.
    signal.signal(signal.SIGINT, signal.default_int_handler)

settings.register_profile(
    "convolab", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "convolab"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project root; tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data directory {SHARED} is absent")
    return SHARED


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [  # quiet on a machine with no network: no background or update traffic
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skips when either cannot be had."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium package)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
