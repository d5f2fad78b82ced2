"""The demo report's training section frames the explain page of the LeNet-5 it trained."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from convolab.report._training import _explain
from convolab.train import load_trained


def test_the_training_section_frames_a_page_that_computes_itself(digits_run, tmp_path):
    ctx = SimpleNamespace(asset=lambda name: (tmp_path / name, f"assets/{name}"))
    html = _explain(ctx, load_trained(digits_run), "assets/lenet5")
    assert '<iframe class="visualizer explain" src="assets/explain.html"' in html
    page = (tmp_path / "explain.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="convolab-explain">(.*?)</script>', page, re.S).group(1))
    assert data["mode"] == "page" and data["title"].endswith("· assets/lenet5")
    assert len(data["input"]["examples"]) == 10  # a held-out digit of each class
