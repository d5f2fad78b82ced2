"""The demo report: built once in quick mode, then checked as a browser shows it."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convolab.report import build_demo, prepare_output
from convolab.report._training import QUICK_EPOCHS
from convolab.train import TrainConfig

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "report"
    lines: list[str] = []
    index = build_demo(out, quick=True, progress=lines.append)
    assert index == out / "index.html"
    assert sum(line.startswith("[") for line in lines) == 8  # one progress line per section
    return index


def test_page_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text  # the page itself is static; the framed visualizer is not
    for url in re.findall(r'(?:src|href)="([^"#]+)"', text):
        assert not re.match(r"[a-z]+:", url), f"external reference {url}"
        assert (report.parent / url).is_file(), f"missing asset {url}"
    assert len(re.findall(r"<section id=", text)) == 8


def test_lenet_reaches_98_percent_on_digits(report):
    text = report.read_text(encoding="utf-8")
    accuracy = float(re.search(r'id="test-accuracy">([\d.]+)%', text).group(1))
    assert accuracy >= 98.0


def test_every_image_loads_without_console_errors(report, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri(), wait_until="load")
    broken = page.evaluate(
        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    count = page.evaluate("document.images.length")
    for frame in page.query_selector_all("iframe"):  # full-page shots skip unseen frames
        frame.scroll_into_view_if_needed()
    frames = [f for f in page.frames if f != page.main_frame]
    assert frames and all(f.query_selector("body *") for f in frames)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "demo.png"), full_page=True)
    page.close()
    assert count >= 8
    assert broken == []
    assert errors == []


def test_refuses_a_directory_with_other_files(tmp_path):
    (tmp_path / "thesis.tex").write_text("mine")
    with pytest.raises(ValueError, match="out must be a new or empty directory"):
        prepare_output(tmp_path)
    assert (tmp_path / "thesis.tex").read_text() == "mine"


def test_rewrites_its_own_directory(tmp_path):
    prepare_output(tmp_path / "r")
    (tmp_path / "r" / "index.html").write_text("old")
    prepare_output(tmp_path / "r")  # a previous demo's directory: no error
    shutil.rmtree(tmp_path / "r")


def _interrupted_demo(out: Path, section: str) -> tuple[int, str]:
    """Run `convolab demo --quick`, send SIGINT once ``section`` starts; (exit code, stderr)."""
    command = [sys.executable, "-m", "convolab", "demo", "--quick", "--out", str(out)]
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as p:
        lines = []
        for line in p.stderr:
            lines.append(line)
            if line.startswith(section):
                time.sleep(1.0)  # well inside the section's work
                p.send_signal(signal.SIGINT)
                break
        lines += p.stderr.readlines()
        return p.wait(timeout=60), "".join(lines)


@pytest.mark.parametrize("section", ["[1/8]", "[7/8]"])  # animations; training LeNet-5
def test_ctrl_c_stops_with_130_and_leaves_nothing(tmp_path, section):
    out = tmp_path / "report"
    code, err = _interrupted_demo(out, section)
    assert code == 130, err
    assert "Traceback" not in err and err.rstrip().endswith("interrupted")
    assert not (section == "[7/8]" and "epoch" in err.splitlines()[-1])
    assert list(tmp_path.iterdir()) == []  # no report, no hidden partial directory


def test_ctrl_c_keeps_the_previous_report(tmp_path):
    out = tmp_path / "report"
    prepare_output(out)
    (out / "index.html").write_text("the previous report")
    (out / "assets").mkdir()
    (out / "assets" / "old.png").write_bytes(b"png")
    code, _ = _interrupted_demo(out, "[3/8]")
    assert code == 130
    assert (out / "index.html").read_text() == "the previous report"
    assert sorted(p.name for p in out.rglob("*")) == [
        ".convolab-demo",
        "assets",
        "index.html",
        "old.png",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_quick_mode_trains_fewer_epochs(report):
    rows = (report.parent / "assets" / "lenet5" / "metrics.jsonl").read_text().splitlines()
    assert len(rows) == QUICK_EPOCHS < TrainConfig().epochs
    assert f"{QUICK_EPOCHS} epochs of" in report.read_text(encoding="utf-8")


def test_an_interrupt_something_swallowed_still_stops_the_build(tmp_path, monkeypatch):
    import os

    import convolab.report._demo as demo

    def swallows(ctx):  # as Python does when Ctrl-C lands in a __del__ ("Exception ignored")
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1.0)
        except KeyboardInterrupt:
            pass
        return "<p>done anyway</p>"

    later = []
    monkeypatch.setattr(
        demo, "SECTIONS", (("a", "A", swallows), ("b", "B", lambda ctx: later.append(1) or ""))
    )
    with pytest.raises(KeyboardInterrupt):
        build_demo(tmp_path / "report", progress=lambda line: None)
    assert later == [] and list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler given back
