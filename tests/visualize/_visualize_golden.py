"""Golden vectors for the visualizer's JavaScript: Python's answers, written to golden.json.

The page re-implements convolab.shape's geometry (js/shape.js), convolab._args' messages
(js/pyargs.js), the layer checks and the forward pass (js/settings.js, js/engine.js) and the
image filter (js/filter.js). Here Python answers the same questions on a seeded case list:

geometry  -- conv and transposed geometries (sizes, padding pairs, explain lines) or the
             exact message, for every argument form ('same', 'valid', 'causal', per-side
             pairs, one-element tuples, wrong types and values)
layers    -- page settings: the message convolab raises, or the output size, padding, formula
             and the output of convolab.functional for given inputs and weights, with the
             cells a product reads, the outputs an input feeds and the uses of a weight
             (PyTorch's autograd)
filters   -- tiles of real photos filtered by convolab.image.apply_kernel, every kernel of
             the bank and every boundary mode, uint8 and float64

test_golden.py checks that golden.json is what Python answers now; tests/visualize/js/ (run
by ``make test`` with ``node --test``) checks the JavaScript against it. So a change of a
formula or a message on either side fails a test until both agree. After a deliberate change
on the Python side, regenerate with::

    .venv/bin/python tests/visualize/_visualize_golden.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import skimage.data
from _visualize_reference import (
    CAUSAL_1D,
    DEFAULT_SETTING,
    as_2d,
    functional_error,
    random_setting,
    shape_answer,
    shape_args,
    torch_readers,
    torch_support,
    torch_weight_uses,
)

import convolab.functional as CF
from convolab import image, shape
from convolab.visualize import kernel_bank

GOLDEN = Path(__file__).with_name("golden.json")
DIGITS = 10  # decimals kept of a float answer; both sides compare to 1e-9


def tuples(value):
    """JSON arrays as the tuples Python takes."""
    return tuple(tuples(v) for v in value) if isinstance(value, list) else value


def lists(value):
    """Tuples (and NumPy scalars) as JSON-ready lists and numbers."""
    if isinstance(value, (tuple, list)):
        return [lists(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


# ---- geometry: convolab.shape ----

GEOMETRY_CASES = [  # (kind, size, kernel_size, stride, padding, dilation, output_padding)
    ("conv", 224, 11, 4, 2, 1, 0),
    ("conv", [32, 100], [4, 4], 1, "same", 1, 0),
    ("conv", 16, 3, 2, "causal", 4, 0),
    ("conv", [5, 6], [3, 2], 1, "causal", [2, 1], 0),
    ("conv", [7, 9], [3, 3], [1, 2], "same", 1, 0),
    ("conv", [7, 7], [3], [2], [1], 1, 0),  # one-element tuples broadcast
    ("conv", [7, 7], 3, 1, [[1, 2], [0, 3]], 1, 0),
    ("conv", [7, 7], 3, 1, [[1, -2]], 1, 0),  # broadcast, then refused as broadcast
    ("conv", [2, 2], 3, 1, 0, 1, 0),  # the message shows kernel_size as given: 3
    ("conv", 3, 5, 1, 0, 1, 0),
    ("conv", 4, 3, 1, "full", 1, 0),
    ("conv", 4, 3, 1, -1, 1, 0),
    ("conv", [7, 7], [3, 3, 3], 1, 0, 1, 0),
    ("conv", "abc", 3, 1, 0, 1, 0),
    ("conv", 7, None, 1, 0, 1, 0),
    ("conv", 7, True, 1, 0, 1, 0),
    ("conv", 7, 3, 2.5, 0, 1, 0),
    ("conv", 7, 3, 0.00001, 0, 1, 0),
    ("conv", 7, 3, 1, [[1, 2, 3]], 1, 0),
    ("transpose", 7, 3, 2, 1, 1, 1),
    ("transpose", [4, 4], [3, 3], [2, 2], [1, 1], 1, [1, 1]),
    ("transpose", 7, 3, 2, "same", 1, 0),
    ("transpose", 7, 3, 2, "valid", 1, 1),
    ("transpose", 7, 3, 2, 1, 1, 2),
    ("transpose", 1, 1, 1, 1, 1, 0),
    ("transpose", [1, 5], 1, [1, 2], [[1, 1], 0], 1, [0, 2]),  # dimension 0 fails first
    ("transpose", [4, 4], 3, 1, [1], 1, [0, 0]),
]


def _random_int_arg(rng: random.Random, ndim: int, low: int, high: int):
    """An int, an ndim-tuple, a one-element tuple, or (one time in 25) a bad value."""
    r = rng.random()
    if r < 0.47:
        return rng.randint(low, high)
    if r < 0.87:
        return [rng.randint(low, high) for _ in range(ndim)]
    if r < 0.96:
        return [rng.randint(low, high)]
    bad = [low - 1, 2.5, "3", None, [low] * (ndim + 1), [low, 1.5][:ndim], [low - 1] * ndim]
    return rng.choice(bad)


def _random_padding(rng: random.Random, ndim: int):
    r = rng.random()
    if r < 0.3:
        return rng.choice(["same", "valid", "causal", "causal", "same", "full"])
    if r < 0.55:
        return [[rng.randint(0, 3), rng.randint(0, 3)] for _ in range(ndim)]
    if r < 0.6:
        return [[1, 2, 3]][:1] if rng.random() < 0.5 else [[1, -1]] * ndim
    return _random_int_arg(rng, ndim, 0, 3)


def random_geometry(rng: random.Random) -> tuple:
    ndim = rng.choice([1, 2, 3])
    kind = "transpose" if rng.random() < 0.35 else "conv"
    return (
        kind,
        _random_int_arg(rng, ndim, 1, 12),
        _random_int_arg(rng, ndim, 1, 5),
        _random_int_arg(rng, ndim, 1, 3),
        _random_padding(rng, ndim),
        _random_int_arg(rng, ndim, 1, 3),
        _random_int_arg(rng, ndim, 0, 2) if kind == "transpose" else 0,
    )


def geometry_answer(case: tuple) -> dict:
    """The geometry Python builds for ``case``, or its message."""
    kind, size, kernel, stride, padding, dilation, extra = case
    args = {"size": size, "kernel_size": kernel, "stride": stride, "padding": padding}
    args |= {"dilation": dilation, "output_padding": extra}
    py = {name: tuples(value) for name, value in args.items()}
    try:
        if kind == "conv":
            g = shape.conv_geometry(
                py["size"], py["kernel_size"], py["stride"], py["padding"], py["dilation"]
            )
        else:
            g = shape.transpose_geometry(
                py["size"],
                py["kernel_size"],
                py["stride"],
                py["padding"],
                py["output_padding"],
                py["dilation"],
            )
    except (TypeError, ValueError) as exc:
        return {"kind": kind, "args": args, "error": str(exc)}
    answer = {"out": lists(g.out), "pads": lists(g.pads), "explain": shape.explain_geometry(g)}
    return {"kind": kind, "args": args, **answer}


# ---- layers: the page's settings through convolab.shape and convolab.functional ----

HAND_LAYERS = [  # changes to the page's default setting
    {"inChannels": 4, "groups": 3, "outChannels": 3},
    {"size": [3, 7], "padding": [3, 1], "paddingMode": "reflect"},
    {"paddingKind": "causal", "dilation": [2, 1], "paddingMode": "replicate"},
    CAUSAL_1D,
    {"transposed": True, "paddingKind": "same"},
    {"transposed": True, "stride": [2, 2], "outputPadding": [1, 1], "flip": True},
]
MAX_VALUES = 600  # a layer's inputs plus outputs, to keep the file small


def _functional_output(s: dict, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """convolab.functional's output for the page's numbers, ``(C_out, *out)``."""
    a = shape_args(s)
    n = s["ndim"]
    kernel = w[(..., *[slice(None, None, -1)] * n)] if s["flip"] else w
    if s["transposed"]:
        conv = CF.conv_transpose1d if n == 1 else CF.conv_transpose2d
        return conv(x[None], kernel, stride=a["stride"], padding=a["padding"],
                    output_padding=a["output_padding"], groups=s["groups"],
                    dilation=a["dilation"])[0]  # fmt: skip
    conv = CF.conv1d if n == 1 else CF.conv2d
    return conv(x[None], kernel, stride=a["stride"], padding=a["padding"], dilation=a["dilation"],
                groups=s["groups"], padding_mode=s["paddingMode"])[0]  # fmt: skip


def _values(rng: random.Random, count: int) -> list:
    """Integers, or quarters (exact in binary, so every sum is exact on both sides)."""
    quarters = rng.random() < 0.5
    return [rng.randint(-8, 8) / 4 if quarters else rng.randint(-3, 9) for _ in range(count)]


def _cells(rng: random.Random, shape_, count: int) -> list:
    return [[rng.randrange(n) for n in shape_] for _ in range(count)]


def layer_answer(s: dict, rng: random.Random) -> dict | None:
    """What the page must show for setting ``s``; None when only the page can say."""
    answer = shape_answer(s)
    if isinstance(answer, str) or (not s["transposed"] and functional_error(s)):
        return {"settings": s, "error": answer if isinstance(answer, str) else functional_error(s)}
    out, pads, lines = answer
    cin, cout, g = s["inChannels"], s["outChannels"], s["groups"]
    pair = (cin, cout // g) if s["transposed"] else (cout, cin // g)
    if cin * np.prod(s["size"]) + cout * np.prod(out) > MAX_VALUES:
        return None
    x = np.array(_values(rng, cin * int(np.prod(s["size"])))).reshape(cin, *s["size"])
    w = np.array(_values(rng, int(np.prod(pair)) * int(np.prod(s["kernel"]))))
    w = w.reshape(*pair, *s["kernel"])
    y = _functional_output(s, x, w)
    geo = as_2d(s, pads)
    out2 = [1, *out] if s["ndim"] == 1 else list(out)
    return {
        "settings": s, "out": list(out), "pads": lists(pads), "formula": lines,
        "x": x.ravel().tolist(), "w": w.ravel().tolist(),
        "y": [round(float(v), DIGITS) for v in y.ravel()],
        "support": [_support(s, geo, c) for c in _cells(rng, (cout, *out2), 2)],
        "readers": [_readers(s, geo, c) for c in _cells(rng, (cin, *geo["size"]), 2)],
        "weights": [_uses(s, geo, c) for c in _cells(rng, (*pair, *geo["kernel"]), 2)],
    }  # fmt: skip


def _support(s, geo, cell) -> dict:
    inputs, weights = torch_support(s, geo, *cell)
    return {"output": cell, "inputs": sorted(inputs), "weights": sorted(weights)}


def _readers(s, geo, cell) -> dict:
    return {"input": cell, "outputs": sorted(torch_readers(s, geo, *cell))}


def _uses(s, geo, index) -> dict:
    outputs, inputs = torch_weight_uses(s, geo, tuple(index))
    return {"weight": index, "outputs": sorted(outputs), "inputs": sorted(inputs)}


def layer_cases(rng: random.Random, count: int) -> list:
    cases = [layer_answer({**DEFAULT_SETTING, **c}, rng) for c in HAND_LAYERS]
    while len(cases) < count:
        cases.append(layer_answer(random_setting(rng), rng))
    return [lists(c) for c in cases if c is not None]


# ---- filters: convolab.image on tiles of real photos ----


def tiles() -> dict:
    """Small crops of scikit-image's photos: gray and colour uint8, and gray float64."""
    camera = skimage.data.camera()
    gray = camera[200:209, 240:251]  # (9, 11) uint8
    return {
        "gray": gray,
        "tiny": camera[300:303, 100:104],  # (3, 4): smaller than the 9x9 kernel
        "rgb": skimage.data.astronaut()[100:107, 180:188],  # (7, 8, 3)
        "float": gray / 255.0,  # (9, 11) float64 in [0, 1]
    }


def _filter_case(tiles_: dict, tile: str, name: str, mode: str) -> dict:
    picture = tiles_[tile]
    cval = (77.0 if mode == "constant" else 0.0) / (255.0 if tile == "float" else 1.0)
    out = image.apply_kernel(picture, name, mode, cval)
    values = out.ravel().tolist()
    if out.dtype != np.uint8:
        values = [round(v, DIGITS) for v in values]
    return {"tile": tile, "kernel": name, "mode": mode, "cval": cval, "output": values}


def filter_cases(tiles_: dict) -> list:
    cases = []
    for mode in image.MODES:
        cases += [_filter_case(tiles_, "gray", name, mode) for name in image.list_kernels()]
        cases += [_filter_case(tiles_, "tiny", n, mode) for n in ("motion_blur", "sharpen")]
        for name in ("gaussian_blur", "sobel_x", "edge_magnitude", "emboss"):
            cases.append(_filter_case(tiles_, "rgb", name, mode))
        for name in ("unsharp_mask", "edge_magnitude", "box_blur", "laplacian8"):
            cases.append(_filter_case(tiles_, "float", name, mode))
    return cases


def _tile_entry(picture: np.ndarray) -> dict:
    """A tile as the JavaScript gets it: row-major (H, W, C) samples and their layout."""
    channels = 1 if picture.ndim == 2 else picture.shape[2]
    return {"height": picture.shape[0], "width": picture.shape[1], "channels": channels,
            "dtype": str(picture.dtype), "values": picture.ravel().tolist()}  # fmt: skip


# ---- the file ----


def golden() -> dict:
    """Every golden vector, as the JSON object golden.json holds."""
    rng = random.Random(20261130)
    geometry = [geometry_answer(c) for c in GEOMETRY_CASES]
    geometry += [geometry_answer(random_geometry(rng)) for _ in range(300)]
    tiles_ = tiles()
    return {
        "about": "Generated by tests/visualize/_visualize_golden.py from convolab; do not edit.",
        "geometry": geometry,
        "layers": layer_cases(rng, 90),
        "kernels": kernel_bank()["kernels"],
        "tiles": {name: _tile_entry(picture) for name, picture in tiles_.items()},
        "filters": filter_cases(tiles_),
    }


def dumps(data: dict) -> str:
    """JSON with one case a line, so that a change shows as a readable diff."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            rows = ",\n".join(json.dumps(v, separators=(",", ":")) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{rows}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    GOLDEN.write_text(dumps(golden()), encoding="utf-8")
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size // 1024} KiB)")
