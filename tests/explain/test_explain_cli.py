"""``convolab explain``: the saved page, the served page, and every bad input as one line."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from convolab.cli import main
from convolab.data import Preprocess
from convolab.models import _registry as registry
from convolab.models import create_model
from convolab.train._card import ModelCard
from convolab.train._checkpoint import save_weights


def _one_line_error(capsys, argv, *expected: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for text in expected:
        assert text in err, err
    return err


def test_save_writes_a_page_that_computes_itself(digits_run, tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["explain", str(digits_run), "--save", str(out)]) == 0
    said = capsys.readouterr().out
    assert re.fullmatch(rf"convolab explain: wrote {out} \(\d+ KiB; computes in the page\)\n", said)
    html = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="convolab-explain">(.*?)</script>', html, re.S).group(1))
    assert data["mode"] == "page" and data["classes"] == [str(k) for k in range(10)]
    assert [e["label"] for e in data["input"]["examples"]] == data["classes"]  # held-out digits
    assert data["input"]["canvas"] == [8, 8] and data["input"]["dark"] is True
    assert '<script type="module"' not in html and "fetch(" in html  # one classic script


def test_save_refuses_to_overwrite_without_force(digits_run, tmp_path, capsys):
    out = tmp_path / "page.html"
    out.write_text("mine")
    _one_line_error(capsys, ["explain", str(digits_run), "--save", str(out)], "--force")
    assert out.read_text() == "mine"
    _one_line_error(
        capsys, ["explain", str(digits_run), "--save", str(tmp_path / "p.png")], ".html"
    )


def test_image_files_are_bundled_and_a_non_image_refused(digits_run, tmp_path, capsys):
    from PIL import Image

    digit = tmp_path / "seven.png"
    Image.new("L", (20, 20), 255).save(digit)  # white: inverted for a digits model
    out = tmp_path / "page.html"
    assert main(["explain", str(digits_run), "--image", str(digit), "--save", str(out)]) == 0
    assert "light background inverted" in capsys.readouterr().err
    data = out.read_text()
    assert '"label":"seven.png"' in data
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    _one_line_error(capsys, ["explain", str(digits_run), "--image", str(text), "--no-browser"],
                    "convolab explain: error:", "not an image file")  # fmt: skip


def test_weights_that_do_not_fit_the_model(tmp_path, capsys):
    path = tmp_path / "resnet.pth"
    torch.save(create_model("resnet18", num_classes=10).state_dict(), path)
    _one_line_error(capsys, ["explain", str(path), "--model", "lenet5"], "weights")
    _one_line_error(capsys, ["explain", str(path)], "--model NAME")
    _one_line_error(capsys, ["explain", str(tmp_path / "missing")], "does not exist")


class PixelMLP(nn.Module):
    """A classifier of 8x8 images with no convolution."""

    def __init__(self, num_classes: int = 3, in_channels: int = 1):
        super().__init__()
        self.fc = nn.Linear(64 * in_channels, num_classes)

    def forward(self, x):
        return self.fc(x.flatten(1))


class SequenceNet(nn.Module):
    """A 1-D convolutional network of sequences (N, C, L): not an image model."""

    def __init__(self, num_classes: int = 3, in_channels: int = 1):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, 4, 3)
        self.fc = nn.Linear(4, num_classes)

    def forward(self, x):
        return self.fc(self.conv(x).mean(-1))


@pytest.fixture
def registered():
    """Register test builders for one test, and take them out again."""
    added = []

    def register(name, cls):
        def builder(*, num_classes: int = 3, in_channels: int = 1):
            return cls(num_classes, in_channels)

        builder.__name__ = name
        registry.register_model(paper="a test", input_size=(8, 8))(builder)
        added.append(name)

    yield register
    for name in added:
        registry._BUILDERS.pop(name)
        registry._META.pop(name)
    registry._model_info.cache_clear()


def _run_dir(tmp_path, name: str, model: nn.Module):
    run = tmp_path / name
    run.mkdir()
    card = ModelCard(name, ("a", "b", "c"), Preprocess((8, 8), 1, (0.5,), (0.5,), "resize"))
    save_weights(run / "model.safetensors", model, card)
    return run


def test_a_model_with_no_convolution_and_a_non_image_model(registered, tmp_path, capsys):
    registered("test_pixel_mlp", PixelMLP)
    registered("test_sequence_net", SequenceNet)
    mlp = _run_dir(tmp_path, "test_pixel_mlp", PixelMLP())
    _one_line_error(capsys, ["explain", str(mlp)], "a convolutional network (it has no convolution")
    sequences = _run_dir(tmp_path, "test_sequence_net", SequenceNet())
    _one_line_error(capsys, ["explain", str(sequences)], "(1, 1, 8, 8) image batch")


def test_a_damaged_weights_file(tmp_path, capsys):
    path = tmp_path / "model.safetensors"
    save_file({"x": torch.zeros(2)}, str(path))
    _one_line_error(capsys, ["explain", str(path), "--model", "lenet5"], "weights")


def test_the_port_in_use_is_one_line(digits_run, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _one_line_error(capsys, ["explain", str(digits_run), "--port", str(port), "--no-browser"],
                        f"port {port} on 127.0.0.1 is already in use")  # fmt: skip
    _one_line_error(capsys, ["explain", str(digits_run), "--port", "70000"], "--port must be")


def test_serves_the_page_and_stops_on_ctrl_c(digits_run):
    command = [sys.executable, "-m", "convolab", "explain", str(digits_run), "--port", "0",
               "--no-browser"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        try:
            _ask_the_page(p.stdout.readline())
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=30)
        finally:  # a failure must not leave the server running: Popen's exit would wait
            if p.poll() is None:
                p.kill()
    assert p.returncode == 0, err
    assert "convolab explain: stopped" in out


def _ask_the_page(first_line: str) -> None:
    """The page, its model and one cell, from the server whose first line is given."""
    url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", first_line).group(1)
    with urllib.request.urlopen(url + "model.json", timeout=30) as response:
        spec = json.load(response)
    assert spec["mode"] == "served" and spec["layers"][0]["name"] == "features.c1"
    with urllib.request.urlopen(url + "cell?layer=0&cell=1,2,3", timeout=30) as response:
        assert json.load(response)["steps"][0]["op"] == "conv"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert b"explain_main.js" in response.read()


def test_a_bad_question_to_the_server_is_a_400_with_one_line(digits_run):
    from urllib.error import HTTPError

    from _explain_pages import served

    from convolab.explain import from_trained
    from convolab.train import load_trained

    with served(from_trained(load_trained(digits_run))) as url:
        for query, expected in (
            ("cell?layer=9&cell=0", "layer must be an int in [0, 6], got 9"),
            ("cell?layer=0&cell=x", "cell must be comma-separated ints, got 'x'"),
            ("kernels?layer=1", "layer must be a convolution layer, got 1"),
        ):
            with pytest.raises(HTTPError) as caught:
                urllib.request.urlopen(url + query, timeout=30)
            assert caught.value.code == 400
            assert json.load(caught.value)["error"] == expected
        request = urllib.request.Request(url + "forward", data=b"{}", method="POST")
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        assert "pixels" in json.load(caught.value)["error"]
