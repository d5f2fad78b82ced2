"""Independent references for the explain page's numbers: torch's functions and autograd.

``check_steps`` takes the steps :meth:`Explanation.cell` gives for one cell and checks every
number against torch: a convolution's window and kernel against the gradient of that output
with respect to the layer's input (autograd puts each kernel weight exactly where its window
reads), every sum, mean, maximum, batch norm and activation against torch's own function, and
each step's value against the next one's input.
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F

TOL = 1e-5  # float32 sums of up to a few thousand products

ACTIVATIONS = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "silu": F.silu,
    "gelu": F.gelu,
}


def close(a: float, b: float, tol: float = TOL) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def layer_input(ex, step: dict) -> torch.Tensor:
    """The value (1, C, H, W) of the layer a step reads (-1: the model's input)."""
    state = ex._pass
    if step["from"] == -1:
        return state.graph.input
    layer = state.layers[step["from"]]
    return state.graph.value(layer.calls[-1])


def check_conv(ex, layer, step: dict, cell) -> None:
    """Window and kernel against autograd; the products' sum plus bias against torch."""
    call = ex._pass.graph.calls[layer.calls[0]]
    x = layer_input(ex, step).clone().requires_grad_(True)
    weight, bias = call.args[1], call.args[2]
    stride, padding, dilation, _, _, groups = call.args[3:9]
    out = F.conv2d(x, weight, bias, stride, padding, dilation, groups)
    c, oy, ox = cell
    (grad,) = torch.autograd.grad(out[0, c, oy, ox], x)
    expected = torch.zeros_like(grad[0])
    height, width = x.shape[2:]
    window = torch.tensor(step["window"])  # (C/g, kh, kw)
    kernel = torch.tensor(step["kernel"])
    for j, ci in enumerate(step["channels"]):
        for ky, r in enumerate(step["rows"]):
            for kx, q in enumerate(step["cols"]):
                inside = 0 <= r < height and 0 <= q < width
                assert window[j, ky, kx] == (x[0, ci, r, q] if inside else 0)
                if inside:
                    expected[ci, r, q] += kernel[j, ky, kx]
    torch.testing.assert_close(grad[0], expected, rtol=0, atol=0)
    total = float((window.double() * kernel.double()).sum()) + (step["bias"] or 0.0)
    assert close(total, step["out"]), (total, step["out"])
    assert close(float(out[0, c, oy, ox].detach()), step["out"])


def check_pool(ex, step: dict, cell) -> None:
    values = [v for row in step["window"] for v in row if v is not None]
    x = layer_input(ex, step)[0, cell[0]]
    for ky, r in enumerate(step["rows"]):
        for kx, q in enumerate(step["cols"]):
            v = step["window"][ky][kx]
            assert v is None or v == float(x[r, q])
    if step["op"] == "max pool":
        assert max(values) == step["out"]
    else:
        assert close(sum(values) / step["divisor"], step["out"]), (values, step)


def check_dense(ex, layer, step: dict, cell) -> None:
    x = layer_input(ex, step)[0].reshape(-1)
    assert step["x"] == x.tolist()
    module = ex.model.get_submodule(layer.name)
    assert step["w"] == module.weight[cell[0]].tolist()
    total = sum(a * b for a, b in zip(step["x"], step["w"])) + (step["bias"] or 0.0)
    assert close(total, step["out"])


def check_elementwise(step: dict) -> None:
    v = torch.tensor([step["in"]])
    op = step["op"]
    if op == "bn":
        expected = (v - step["mean"]) / math.sqrt(step["var"] + step["eps"])
        expected = expected * step["weight"] + step["bias"]
    elif op == "hardtanh":
        expected = v.clamp(step["min"], step["max"])
    elif op == "leaky relu":
        expected = F.leaky_relu(v, step["slope"])
    elif op == "elu":
        expected = F.elu(v, step["alpha"])
    else:
        expected = ACTIVATIONS[op](v)
    assert close(float(expected), step["out"]), (step, float(expected))


def check_steps(ex, layer_index: int, cell) -> list[dict]:
    """Every number of the readout of ``cell`` against torch; returns the steps."""
    layer = ex.layers[layer_index]
    steps = ex.cell(layer_index, cell)["steps"]
    first = steps[0]
    if first["op"] == "conv":
        check_conv(ex, layer, first, cell)
    elif first["op"] in ("max pool", "avg pool", "adaptive avg pool", "mean"):
        check_pool(ex, first, cell)
    elif first["op"] == "dense":
        check_dense(ex, layer, first, cell)
    elif first["op"] == "add":
        a, b = (layer_input(ex, {"from": f})[0].reshape(-1) for f in first["from"])
        index = int(torch.tensor(cell) @ torch.tensor(_strides(layer.shape)))
        assert (first["a"], first["b"]) == (float(a[index]), float(b[index]))
        assert close(first["a"] + first["b"], first["out"])
    elif "opaque" not in first:
        check_elementwise(first)
    for before, step in itertools.pairwise(steps):
        assert step["in"] == before["out"]
        check_elementwise(step)
    value = ex._pass.output(layer)[tuple(cell)]
    assert steps[-1]["out"] == float(value)
    return steps


def _strides(shape) -> list[int]:
    return [math.prod(shape[i + 1 :]) for i in range(len(shape))]
