"""convolab explain in Chromium: how long an update takes, beside torch's own forward pass.

Served page (ResNet-50 and ResNet-152, random weights, one 224x224 RGB image):
the page is served on 127.0.0.1 and opened in headless Chromium; each update feeds the page a
new random image through its test hook, which takes the same path as a stroke on the canvas
(POST the pixels, torch traces the pass, the server answers every layer's maps and the top-5,
the page decodes and redraws); its time runs from the new image to the page redrawn
(``convolabExplain.timings()``, ``performance.now()`` in the page). Between two updates the
plain eval-mode forward pass of the same model on the same input is timed in Python, so each
update has its reference under the same machine load: the table gives both medians and the
median of the per-pair ratios. Both run with the same torch threads (the idle cores, as the
server sets them for each pass; see convolab.train._runtime) in a thread of their own, as
the server's requests run: on a loaded machine two OpenMP threads in the main thread ran a
ResNet-50 pass 2-10x slower than in a worker thread.

Saved page (LeNet-5 trained 2 epochs on the digits): each redraw computes the model in
JavaScript (preprocessing, every layer, the maps) and redraws, timed the same way.

Page sizes: the saved LeNet-5 page (computes in the page) and the saved ResNet-18 page (keeps
the pass of its one bundled image), and the served ResNet-50's answer to one update.

Run: ``.venv/bin/python benchmarks/explain_latency.py [--updates 10] [--models resnet50]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import torch

from convolab.explain import explain, from_trained
from convolab.models import create_model

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=600_000)
    return page


def _feed(page, pixels: np.ndarray) -> None:
    height, width, channels = pixels.shape
    image = {
        "height": height,
        "width": width,
        "channels": channels,
        "data": pixels.ravel().tolist(),
    }
    page.evaluate("image => convolabExplain.feed(image)", image)
    page.evaluate("convolabExplain.settled()")


def served(browser, name: str, updates: int) -> dict:
    """Median update time in the page and plain forward time in torch, paired."""
    rng = np.random.default_rng(0)
    model = create_model(name).eval()
    ex = explain(model, rng.integers(0, 256, (224, 224, 3), dtype=np.uint8))
    server = ex.serve(open_browser=False)
    page = _open(browser, server.url)
    forward, update = [], []
    for _ in range(updates):
        pixels = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
        forward.append(_plain_forward(model, ex.inputs.model_input(pixels)))
        _feed(page, pixels)
        update.append(page.evaluate("convolabExplain.timings().at(-1)"))
    answer = len(_answer_bytes(ex))
    page.close()
    server.shutdown()
    ratios = [u / f for u, f in zip(update, forward)]
    return {"model": name, "update_ms": statistics.median(update), "max_ms": max(update),
            "forward_ms": statistics.median(forward), "ratio": statistics.median(ratios),
            "answer_kib": answer // 1024}  # fmt: skip


def _plain_forward(model, x: torch.Tensor) -> float:
    """ms of ``model(x)`` in eval mode without gradients, in a thread as a request runs."""
    from convolab.explain._explanation import _idle_threads

    elapsed = []

    def timed():
        with _idle_threads(), torch.no_grad():
            start = time.perf_counter()
            model(x)
            elapsed.append(1000 * (time.perf_counter() - start))

    worker = threading.Thread(target=timed)
    worker.start()
    worker.join()
    return elapsed[0]


def _answer_bytes(ex) -> bytes:
    import json

    return json.dumps(ex.run(ex.first_image())).encode()


def saved_lenet(browser, updates: int, directory: Path) -> dict:
    from convolab.train import TrainConfig, fit, load_trained

    run = directory / "lenet"
    fit(TrainConfig(model="lenet5", data="digits", epochs=2, out=str(run)))
    path = directory / "lenet.html"
    from_trained(load_trained(run)).save(path)
    page = _open(browser, path.as_uri())
    rng = np.random.default_rng(1)
    times = []
    for _ in range(updates):
        _feed(page, rng.integers(0, 256, (8, 8, 1), dtype=np.uint8))
        times.append(page.evaluate("convolabExplain.timings().at(-1)"))
    page.close()
    return {"redraw_ms": statistics.median(times), "max_ms": max(times),
            "page_kib": path.stat().st_size // 1024}  # fmt: skip


def saved_resnet18(directory: Path) -> int:
    torch.manual_seed(0)
    image = np.random.default_rng(2).integers(0, 256, (224, 224, 3), dtype=np.uint8)
    path = explain(create_model("resnet18"), image).save(directory / "resnet18.html")
    return path.stat().st_size // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--models", default="resnet50,resnet152")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for name in args.models.split(","):
            r = served(browser, name, args.updates)
            print(
                f"served {r['model']}: update {r['update_ms']:.0f} ms median (max "
                f"{r['max_ms']:.0f}), plain forward {r['forward_ms']:.0f} ms, update/forward "
                f"{r['ratio']:.2f}; one answer {r['answer_kib']} KiB"
            )
        lenet = saved_lenet(browser, 3 * args.updates, Path(tmp))
        print(
            f"saved LeNet-5 page: redraw {lenet['redraw_ms']:.1f} ms median (max "
            f"{lenet['max_ms']:.1f}); page {lenet['page_kib']} KiB"
        )
        size = saved_resnet18(Path(tmp))
        print(f"saved ResNet-18 page (the pass of one 224x224 image): {size} KiB")
        browser.close()
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
