"""Golden vectors for the explain page's JavaScript: Python's answers, written to golden.json.

A saved explain page computes small models itself (js/explain_prep.js, explain_net.js,
explain_cells.js, explain_readout.js). Here Python answers the same questions:

preprocess -- images of several sizes and channel counts through convolab.data.model_input
              (padded, resized up and down, gray <-> RGB, normalised)
nets       -- LeNet-5 and a network with every operator the page explains: the data a saved
              page embeds (saved_data: layers, parameters as float32), images, every
              operator's output of every layer (torch), the class probabilities, and for
              cells of every layer the steps convolab.explain computes with torch (window,
              kernel, bias, batch norm, activation, values) and the input rows and columns
              whose gradient is non-zero (autograd on an all-positive copy of the network:
              the receptive field)

test_golden.py checks that golden.json is what Python answers now; tests/explain/js/ (run by
``make test`` with ``node --test``) checks the JavaScript against it. After a deliberate change
on the Python side, regenerate with::

    .venv/bin/python tests/explain/_explain_golden.py
"""

from __future__ import annotations

import base64
import json
import random
import sys
from pathlib import Path

sys.path.insert(1, str(Path(__file__).parents[1]))  # tests/ (_positive), run as a script too

import torch
from _explain_nets import Everything, image, trained_like
from torch import nn

from _positive import positive
from convolab.data import Preprocess, model_input
from convolab.explain import explain
from convolab.explain._inputs import pixels_to_page
from convolab.explain._page import saved_data
from convolab.models import create_model

GOLDEN = Path(__file__).with_name("golden.json")

PREPROCESS_CASES = [  # (image shape (H, W, C), input_size, in_channels, fit)
    ((28, 28, 1), (32, 32), 1, "pad"),
    ((8, 8, 1), (32, 32), 1, "resize"),
    ((40, 30, 1), (32, 32), 1, "pad"),  # larger than the input: resized even for "pad"
    ((23, 17, 3), (32, 32), 3, "resize"),
    ((50, 64, 3), (24, 20), 3, "resize"),  # downscaled: the antialias filter widens
    ((9, 11, 3), (16, 16), 1, "resize"),  # RGB to luma
    ((12, 12, 1), (12, 12), 3, "pad"),  # gray repeated to RGB
    ((200, 7, 1), (33, 5), 1, "resize"),
]


def floats(t: torch.Tensor) -> str:
    """A tensor as base64 float32, as the page decodes it (explain_net.js decodeFloats)."""
    data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
    return base64.b64encode(data).decode("ascii")


def preprocess_case(index: int, case) -> dict:
    shape, size, channels, fit = case
    pixels = image(shape, seed=100 + index)
    mean = tuple(0.1 + 0.2 * k for k in range(channels))
    std = tuple(0.3 + 0.1 * k for k in range(channels))
    prep = Preprocess(size, channels, mean, std, fit)
    return {
        "image": pixels_to_page(pixels),
        "preprocess": prep.to_dict(),
        "x": floats(model_input(pixels, prep)[0]),
    }


def _dense_gradient(call, args):
    """The operator of ``call`` on ``args``, a max pooling as an average over the same
    window: a maximum passes the gradient to one cell, an average to all it reads."""
    if call.name.startswith("max_pool2d"):
        defaults = [None, None, [], [0], [1], False]  # aten leaves trailing defaults out
        x, kernel, stride, padding, dilation, ceil = list(args) + defaults[len(args) :]
        assert list(dilation) in ([1, 1], [1]), "a dilated max pooling has no average twin"
        return torch.ops.aten.avg_pool2d(x, kernel, stride, padding, ceil, True)
    out = call.func(*args, **call.kwargs)
    return out[0] if isinstance(out, (list, tuple)) else out


def _layer_outputs(model: nn.Module, ex, x: torch.Tensor) -> list[torch.Tensor]:
    """Each page layer's output for ``x``, with gradients, max poolings made dense."""
    from convolab.models._walk import watch

    graph = watch(model, x.detach())
    with torch.enable_grad():
        values = {-1: x}
        for index, call in enumerate(graph.calls):
            args = list(call.args)
            for position, producer in call.sources:
                args[position] = values[producer].clone()  # in-place operators write
            values[index] = _dense_gradient(call, args)
    return [values[layer.calls[-1]].reshape(1, *layer.shape) for layer in ex.layers]


def net_case(name: str, model: nn.Module, images: list, seed: int) -> dict:
    ex = explain(model, images[0], transform=None)
    data = saved_data(ex)
    assert data["mode"] == "page", data.get("static_note")
    rng = random.Random(seed)
    runs = []
    for pixels in images:
        ex.run(pixels)
        state = ex._pass
        graph = state.graph
        layers = [[floats(graph.value(i)[0]) for i in layer.calls] for layer in state.layers]
        cells = []
        for index, layer in enumerate(state.layers):
            for _ in range(3):
                cell = [rng.randrange(n) for n in layer.shape]
                cells.append({"layer": index, "cell": cell, "steps": ex.cell(index, cell)["steps"]})
        probabilities = torch.softmax(graph.output[0].double(), 0).tolist()
        runs.append({"image": pixels_to_page(pixels), "x": floats(graph.input[0]),
                     "layers": layers, "probabilities": probabilities, "cells": cells})  # fmt: skip
    fields = _field_cases(model, ex, rng)
    return {"name": name, "data": data, "runs": runs, "fields": fields}


def _field_cases(model: nn.Module, ex, rng: random.Random) -> list[dict]:
    """Receptive fields of cells of every spatial layer, from the gradient's support."""
    model = positive(model)
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(ex._pass.graph.input.shape, generator=generator) * 0.1 + 0.05  # hardtanh: linear
    x.requires_grad_(True)
    outputs = _layer_outputs(model, ex, x)
    cases = []
    for index, layer in enumerate(ex.layers):
        if len(layer.shape) != 3 or layer.shape[1:] == (1, 1):
            continue
        for _ in range(3):
            cell = [rng.randrange(n) for n in layer.shape]
            (grad,) = torch.autograd.grad(outputs[index][(0, *cell)], x, retain_graph=True)
            support = grad[0].abs().sum(0) > 0  # (H, W)
            rows = torch.nonzero(support.any(1)).flatten()
            cols = torch.nonzero(support.any(0)).flatten()
            box = [[int(rows.min()), int(rows.max())], [int(cols.min()), int(cols.max())]]
            cases.append({"layer": index, "cell": cell, "box": box})
    return cases


def golden() -> dict:
    torch.manual_seed(0)
    lenet = create_model("lenet5").eval()
    everything = trained_like(Everything())
    return {
        "preprocess": [preprocess_case(i, c) for i, c in enumerate(PREPROCESS_CASES)],
        "nets": [
            net_case("lenet5", lenet, [image((32, 32, 1), 1)], seed=1),
            net_case("everything", everything, [image((61, 47, 3), 3)], seed=2),
        ],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"))


if __name__ == "__main__":
    GOLDEN.write_text(dumps(golden()), encoding="utf-8")
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size // 1024} KiB)")
