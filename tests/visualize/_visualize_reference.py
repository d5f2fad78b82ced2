"""What the page should show for a setting, from convolab.shape, convolab.functional and torch.

A setting is the dict the page's test hook takes (see static/js/settings.js): per-dimension
lists of ``ndim`` entries. The functions here answer from the library and from PyTorch, never
from the page's own JavaScript.
"""

from __future__ import annotations

import random

import numpy as np
import torch
import torch.nn.functional as F

import convolab.functional as CF
from convolab import shape

TORCH_PAD = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}
DEFAULT_SETTING = {  # the page's own default (static/js/settings.js DEFAULTS)
    "ndim": 2,
    "transposed": False,
    "flip": False,
    "size": [7, 7],
    "kernel": [3, 3],
    "stride": [1, 1],
    "dilation": [1, 1],
    "inChannels": 1,
    "outChannels": 1,
    "groups": 1,
    "paddingKind": "symmetric",
    "padding": [1, 1],
    "paddingSides": [[1, 1], [1, 1]],
    "paddingMode": "zeros",
    "outputPadding": [0, 0],
}
CAUSAL_1D = {  # a WaveNet-like layer: 1-D, dilated, 'causal' padding
    "ndim": 1,
    "size": [12],
    "kernel": [3],
    "stride": [2],
    "dilation": [2],
    "padding": [0],
    "paddingSides": [[0, 0]],
    "outputPadding": [0],
    "paddingKind": "causal",
    "paddingMode": "replicate",
    "inChannels": 2,
    "outChannels": 2,
}


def per_dim(values, ndim):
    return values[0] if ndim == 1 else tuple(values)


def shape_args(s: dict) -> dict:
    """The arguments convolab.shape gets for setting ``s``: ints in 1-D, tuples in 2-D."""
    n = s["ndim"]
    kind = s["paddingKind"]
    if kind in shape.PADDING_STRINGS:
        padding = kind
    elif kind == "per-side":
        padding = tuple(tuple(p) for p in s["paddingSides"])
    else:
        padding = per_dim(s["padding"], n)
    return {
        "size": per_dim(s["size"], n),
        "kernel_size": per_dim(s["kernel"], n),
        "stride": per_dim(s["stride"], n),
        "dilation": per_dim(s["dilation"], n),
        "padding": padding,
        "output_padding": per_dim(s["outputPadding"], n),
    }


def shape_answer(s: dict):
    """``(output size, padding pairs, formula lines)`` from convolab.shape, or its error."""
    a = shape_args(s)
    try:
        if s["transposed"]:
            args = (a["size"], a["kernel_size"], a["stride"], a["padding"], a["output_padding"])
            out = shape.conv_transpose_output_size(*args, a["dilation"])
            pads = shape.transpose_geometry(*args, a["dilation"]).pads
        else:
            args = (a["size"], a["kernel_size"], a["stride"], a["padding"], a["dilation"])
            out = shape.conv_output_size(*args)
            pads = shape.resolve_padding(a["padding"], *args[:3], a["dilation"])
        lines = shape.explain(
            *args[:4],
            a["dilation"],
            kind="transpose" if s["transposed"] else "conv",
            output_padding=a["output_padding"],
        )
    except ValueError as exc:
        return str(exc)
    return (out if isinstance(out, tuple) else (out,)), pads, lines


def functional_error(s: dict) -> str | None:
    """The message convolab.functional.conv*d raises for ``s`` (padding-mode limits), or None."""
    a = shape_args(s)
    n = s["ndim"]
    x = np.zeros((1, s["inChannels"], *s["size"]))
    w = np.zeros((s["outChannels"], s["inChannels"] // s["groups"], *s["kernel"]))
    conv = CF.conv1d if n == 1 else CF.conv2d
    try:
        conv(
            x,
            w,
            stride=a["stride"],
            padding=a["padding"],
            dilation=a["dilation"],
            groups=s["groups"],
            padding_mode=s["paddingMode"],
        )
    except ValueError as exc:
        return str(exc)
    return None


def _divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def random_setting(rng: random.Random) -> dict:
    """A random setting over every control: mostly valid, some that the checks refuse."""
    n = rng.choice([1, 2])
    transposed = rng.random() < 0.35
    big = rng.random() < 0.1
    dims = lambda lo, hi: [rng.randint(lo, hi) for _ in range(n)]  # noqa: E731
    stride, dilation = dims(1, 3), dims(1, 3)
    cin = rng.choice([1, 2, 3, 4])
    groups = rng.choice(_divisors(cin))
    kinds = ["symmetric", "per-side", "valid"] + ([] if transposed else ["same", "causal"])
    return {
        "ndim": n,
        "transposed": transposed,
        "flip": rng.random() < 0.3,
        "size": dims(1, 64) if big else dims(1, 10),
        "kernel": dims(1, 5),
        "stride": stride,
        "dilation": dilation,
        "inChannels": cin,
        "groups": groups,
        "outChannels": groups * rng.choice([1, 2]),
        "paddingKind": rng.choice(kinds),
        "padding": dims(0, 3),
        "paddingSides": [[rng.randint(0, 3), rng.randint(0, 3)] for _ in range(n)],
        "paddingMode": "zeros"
        if transposed or rng.random() < 0.4
        else rng.choice(["reflect", "replicate", "circular"]),
        "outputPadding": [
            rng.randint(0, max(s, d) - (rng.random() < 0.9)) for s, d in zip(stride, dilation)
        ],
    }


# ---- the layer as 2-D (a 1-D layer is one of height 1), for the engine checks ----


def as_2d(s: dict, pads) -> dict:
    lift = (lambda v, fill: [fill, *v]) if s["ndim"] == 1 else (lambda v, fill: list(v))
    return {
        "size": lift(s["size"], 1),
        "kernel": lift(s["kernel"], 1),
        "stride": lift(s["stride"], 1),
        "dilation": lift(s["dilation"], 1),
        "pads": lift([tuple(p) for p in pads], (0, 0)),
        "op": lift(s["outputPadding"], 0),
    }


def window_sources(s: dict, geo: dict, co: int, oy: int, ox: int) -> list:
    """``(ci, y, x)`` of every real input cell the output cell reads, by the engine's own
    primitives: an index grid padded by convolab.functional.pad, cut by sliding_windows."""
    (h, w), ((t, b), (left, r)) = geo["size"], geo["pads"]
    index = np.arange(h * w, dtype=np.float64).reshape(1, 1, h, w)
    mode = {"zeros": "constant"}.get(s["paddingMode"], s["paddingMode"])
    padded = CF.pad(index, (left, r, t, b), mode=mode, value=-1.0)
    window = CF.sliding_windows(padded, geo["kernel"], geo["stride"], geo["dilation"])[0, 0, oy, ox]
    cin_g = s["inChannels"] // s["groups"]
    group = co // (s["outChannels"] // s["groups"])
    cells = [int(v) for v in window.ravel() if v >= 0]
    return sorted((group * cin_g + c, v // w, v % w) for c in range(cin_g) for v in cells)


def _torch_forward(s: dict, geo: dict, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """The layer of setting ``s`` in PyTorch, ``(1, C_out, H_out, W_out)``."""
    ((t, b), (left, r)) = geo["pads"]
    kernel = weight.flip(-2, -1) if s["flip"] else weight
    if s["transposed"]:
        full = F.conv_transpose2d(
            x,
            kernel,
            stride=geo["stride"],
            output_padding=geo["op"],
            groups=s["groups"],
            dilation=geo["dilation"],
        )
        return full[..., t : full.shape[-2] - b, left : full.shape[-1] - r]
    mode = TORCH_PAD.get(s["paddingMode"], "constant")
    xp = F.pad(x, (left, r, t, b), mode=mode) if any((t, b, left, r)) else x
    return F.conv2d(xp, kernel, stride=geo["stride"], dilation=geo["dilation"], groups=s["groups"])


def _ones(s: dict, geo: dict, requires_grad: bool):
    cin, cout, g = s["inChannels"], s["outChannels"], s["groups"]
    pair = (cin, cout // g) if s["transposed"] else (cout, cin // g)
    weight = torch.ones(*pair, *geo["kernel"], dtype=torch.float64, requires_grad=requires_grad)
    x = torch.ones(1, cin, *geo["size"], dtype=torch.float64, requires_grad=requires_grad)
    return x, weight


def torch_support(s: dict, geo: dict, co: int, oy: int, ox: int):
    """Input cells and weights with a non-zero gradient of one output cell, by autograd."""
    x, weight = _ones(s, geo, requires_grad=True)
    _torch_forward(s, geo, x, weight)[0, co, oy, ox].backward()
    inputs = {tuple(int(i) for i in idx[1:]) for idx in torch.nonzero(x.grad)}
    weights = {tuple(int(i) for i in idx) for idx in torch.nonzero(weight.grad)}
    return inputs, weights


def torch_readers(s: dict, geo: dict, ci: int, y: int, x: int) -> set:
    """Output cells that change with input cell (ci, y, x): the layer on a one-hot input."""
    one_hot, weight = _ones(s, geo, requires_grad=False)
    one_hot.zero_()[0, ci, y, x] = 1.0
    out = _torch_forward(s, geo, one_hot, weight)[0]
    return {tuple(int(i) for i in idx) for idx in torch.nonzero(out)}


def torch_weight_uses(s: dict, geo: dict, index: tuple) -> tuple[set, set]:
    """Output cells that weight ``index`` feeds and input cells it multiplies, by autograd:
    the layer with that one weight 1 (the others 0) on an input of ones."""
    x, weight = _ones(s, geo, requires_grad=False)
    weight.zero_()[index] = 1.0
    x.requires_grad_(True)
    out = _torch_forward(s, geo, x, weight)[0]
    out.sum().backward()
    outputs = {tuple(int(i) for i in idx) for idx in torch.nonzero(out.detach())}
    inputs = {tuple(int(i) for i in idx[1:]) for idx in torch.nonzero(x.grad)}
    return outputs, inputs


def engine_output(s: dict, geo: dict, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The output of convolab.functional for the page's numbers, ``(C_out, H_out, W_out)``."""
    kernel = w[..., ::-1, ::-1] if s["flip"] else w
    if s["transposed"]:
        return CF.conv_transpose2d(
            x[None],
            kernel,
            stride=geo["stride"],
            padding=geo["pads"],
            output_padding=geo["op"],
            groups=s["groups"],
            dilation=geo["dilation"],
        )[0]
    return CF.conv2d(
        x[None],
        kernel,
        stride=geo["stride"],
        padding=geo["pads"],
        dilation=geo["dilation"],
        groups=s["groups"],
        padding_mode=s["paddingMode"],
    )[0]


def window_positions(geo: dict, oy: int, ox: int) -> list:
    """``(iy, ix)`` of the window of output cell (oy, ox) on the padded input, padding
    cells at negative or too-large positions: sliding_windows over coordinate grids."""
    (h, w), ((t, b), (left, r)) = geo["size"], geo["pads"]
    rows, cols = np.meshgrid(np.arange(-t, h + b), np.arange(-left, w + r), indexing="ij")
    grid = np.stack([rows, cols])[None]  # (1, 2, H + t + b, W + left + r)
    window = CF.sliding_windows(grid, geo["kernel"], geo["stride"], geo["dilation"])
    ys, xs = window[0, 0, oy, ox].ravel(), window[0, 1, oy, ox].ravel()
    return sorted(zip(ys.tolist(), xs.tolist()))


def expected_error(s: dict, answer) -> str | None:
    """The message the page must show, from the library, or None for a valid setting."""
    if isinstance(answer, str):
        return answer
    if not s["transposed"]:
        return functional_error(s)
    return None


def check_summary(snap: dict, s: dict) -> tuple | None:
    """The page's summary of setting ``s`` against the library: its message, or its sizes."""
    answer = shape_answer(s)
    message = expected_error(s, answer)
    if message is not None:
        assert snap["error"] == message, s
        return None
    out, pads, lines = answer
    if max(out) > 256:  # the page draws at most 256 cells a side and says so
        assert snap["error"].startswith("output size must be at most 256"), s
        return None
    assert snap["error"] is None, (s, snap["error"])
    assert tuple(int(v) for v in snap["outSize"].split(" × ")) == out, s
    assert snap["padding"] == ", ".join(repr(tuple(p)) for p in pads), s
    assert snap["formula"] == lines, s
    return out, pads
