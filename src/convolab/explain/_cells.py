"""What made one cell of one layer: the numbers, taken from the pass torch computed.

:func:`cell_steps` lists, for the cell ``(c, y, x)`` (or ``(f,)`` of a flat layer), one step
per operator of its layer, each with what that operator read and the value torch computed:

- ``conv``: per input channel of the cell's group the window (``rows`` and ``cols`` are its
  input positions, negative or past the input in the padding, where it reads 0) and the
  kernel slice ``weight[c]``, the bias and the output;
- ``max pool`` / ``avg pool`` / ``adaptive avg pool`` / ``mean``: the window (None past the
  input) and, for an average, torch's divisor;
- ``dense``: the whole input vector and the weight row ``weight[f]``, the bias;
- ``add``: the two terms and the layers they come from;
- ``bn`` and the activations: the value in, the parameters, the value out.

The page does the arithmetic (products, sums, the formulas) and shows it beside torch's value.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from convolab.explain._layers import Layer
from convolab.explain._spec import op_scalars
from convolab.explain._windows import window_geometry, window_positions
from convolab.models._walk import Graph, OpCall


def _floats(t: torch.Tensor) -> list:
    return t.detach().tolist()


def _source(graph: Graph, call: OpCall, position: int) -> tuple[int, torch.Tensor]:
    """(producer, value without the batch) of the activation at argument ``position``."""
    producer = next(p for pos, p in call.sources if pos == position)
    return producer, graph.value(producer)[0]


def _at(graph: Graph, index: int, cell: tuple[int, ...]) -> float:
    """The value torch computed for ``cell`` of call ``index``'s output."""
    value = graph.value(index)[0]
    return float(value.reshape(-1)[_flat(value.shape, cell)])


def _flat(shape, cell) -> int:
    """Row-major index of ``cell`` in ``shape``; a flat cell of a (C, 1, 1) output too."""
    if len(cell) == 1:
        return cell[0]
    index = 0
    for size, i in zip(shape, cell):
        index = index * size + i
    return index


def _conv(graph, index, cell, layer_of) -> dict:
    call = graph.calls[index]
    producer, x = _source(graph, call, 0)  # (C_in, H, W)
    weight, bias, groups = call.args[1], call.args[2], call.window.groups
    c, oy, ox = cell
    geometry = window_geometry(call)
    per_group = weight.shape[1]
    first = c // (weight.shape[0] // groups) * per_group
    rows, cols = window_positions(geometry, 0, oy), window_positions(geometry, 1, ox)
    (top, bottom), (left, right) = geometry.pads
    padded = F.pad(x[first : first + per_group], (left, right, top, bottom))  # zeros
    window = padded[:, [r + top for r in rows]][:, :, [q + left for q in cols]]  # (C/g, kh, kw)
    return {
        "op": "conv",
        "from": layer_of[producer],
        "channels": list(range(first, first + per_group)),
        "rows": rows,
        "cols": cols,
        "window": _floats(window),
        "kernel": _floats(weight[c]),
        "bias": None if bias is None else float(bias[c].detach()),
        "out": _at(graph, index, cell),
    }


def _avg_divisor(call: OpCall, geometry, rows, cols) -> int:
    """torch's divisor: the window inside the padded input (count_include_pad, the default),
    or inside the input only, or divisor_override."""
    scalars = op_scalars(call, "avg pool")
    if scalars["divisor"] is not None:
        return scalars["divisor"]
    include_pad = scalars["include_pad"]
    size = []
    for dim, positions in enumerate((rows, cols)):
        lo, hi = (-geometry.pads[dim][0], geometry.size[dim] + geometry.pads[dim][1])
        if not include_pad:
            lo, hi = 0, geometry.size[dim]
        size.append(sum(lo <= p < hi for p in positions))
    return size[0] * size[1]


def _pool(graph, index, cell, layer_of, label) -> dict:
    call = graph.calls[index]
    producer, x = _source(graph, call, 0)
    c, oy, ox = cell
    geometry = window_geometry(call)
    rows, cols = window_positions(geometry, 0, oy), window_positions(geometry, 1, ox)
    height, width = geometry.size
    window = [
        [float(x[c, r, q]) if 0 <= r < height and 0 <= q < width else None for q in cols]
        for r in rows
    ]
    step = {"op": label, "from": layer_of[producer], "rows": rows, "cols": cols, "window": window}
    if label == "avg pool":
        step["divisor"] = _avg_divisor(call, geometry, rows, cols)
    return {**step, "out": _at(graph, index, cell)}


def _adaptive_range(i: int, size: int, out: int) -> list[int]:
    """torch's adaptive window: ``floor(i*size/out)`` up to ``ceil((i+1)*size/out)``."""
    return list(range((i * size) // out, math.ceil((i + 1) * size / out)))


def _adaptive(graph, index, cell, layer_of) -> dict:
    call = graph.calls[index]
    producer, x = _source(graph, call, 0)
    c, oy, ox = cell
    (height, width), (ho, wo) = x.shape[1:], call.output.shape[2:]
    rows, cols = _adaptive_range(oy, height, ho), _adaptive_range(ox, width, wo)
    window = _floats(x[c, rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
    step = {"op": "adaptive avg pool", "from": layer_of[producer], "rows": rows, "cols": cols}
    return {
        **step,
        "window": window,
        "divisor": len(rows) * len(cols),
        "out": _at(graph, index, cell),
    }


def _mean(graph, index, cell, layer_of) -> dict:
    call = graph.calls[index]
    producer, x = _source(graph, call, 0)  # (C, H, W)
    c = cell[0]
    rows, cols = list(range(x.shape[1])), list(range(x.shape[2]))
    step = {"op": "mean", "from": layer_of[producer], "rows": rows, "cols": cols}
    return {
        **step,
        "window": _floats(x[c]),
        "divisor": x[c].numel(),
        "out": _at(graph, index, cell),
    }


def _dense(graph, index, cell, layer_of) -> dict:
    call = graph.calls[index]
    position = 1 if call.name == "addmm" else 0
    producer, x = _source(graph, call, position)  # (F_in,)
    weight_t = call.args[position + 1]  # (F_in, F_out): the transposed weight
    bias = call.args[0] if call.name == "addmm" else None
    f = cell[0]
    return {
        "op": "dense",
        "from": layer_of[producer],
        "x": _floats(x),
        "w": _floats(weight_t[:, f]),
        "bias": None if bias is None else float(bias.detach().reshape(-1)[f]),
        "out": _at(graph, index, cell),
    }


def _add(graph, index, cell, layer_of) -> dict:
    call = graph.calls[index]
    (_, a), (_, b) = (_source(graph, call, 0), _source(graph, call, 1))
    producers = [p for _, p in sorted(call.sources)]
    flat = _flat(a.shape, cell)
    return {
        "op": "add",
        "from": [layer_of[p] for p in producers],
        "a": float(a.reshape(-1)[flat]),
        "b": float(b.reshape(-1)[flat]),
        "out": _at(graph, index, cell),
    }


def _bn_parameters(call: OpCall, c: int) -> dict:
    """Eval-mode batch norm: ``native_batch_norm(x, w, b, mean, var, training, momentum,
    eps)`` or ``_native_batch_norm_legit_no_training(x, w, b, mean, var, momentum, eps)``."""
    weight, bias, mean, var = (a if a is None else a.detach() for a in call.args[1:5])
    return {
        "mean": float(mean[c]),
        "var": float(var[c]),
        "eps": float(call.args[-1]),
        "weight": 1.0 if weight is None else float(weight[c]),
        "bias": 0.0 if bias is None else float(bias[c]),
    }


def _elementwise(graph, index, cell, label) -> dict:
    call = graph.calls[index]
    _, x = _source(graph, call, 0)
    step = {"op": label, "in": float(x.reshape(-1)[_flat(x.shape, cell)])}
    step.update(_bn_parameters(call, cell[0]) if label == "bn" else op_scalars(call, label))
    return {**step, "out": _at(graph, index, cell)}


_FIRST = {"conv": _conv, "adaptive": _adaptive, "mean": _mean, "dense": _dense, "add": _add}


def _first_step(graph, layer: Layer, cell, layer_of) -> dict:
    index = layer.calls[0]
    if layer.kind in _FIRST:
        return _FIRST[layer.kind](graph, index, cell, layer_of)
    if layer.kind == "pool":
        return _pool(graph, index, cell, layer_of, layer.ops[0])
    if layer.kind == "act":
        return _elementwise(graph, index, cell, layer.ops[0])
    return {"op": layer.ops[0], "opaque": True, "out": _at(graph, index, cell)}


def cell_steps(graph: Graph, layer: Layer, cell: tuple[int, ...], layer_of: dict) -> list:
    """The steps that made ``cell`` of ``layer`` (see the module's docstring), in order."""
    steps = [_first_step(graph, layer, cell, layer_of)]
    for index, label in zip(layer.calls[1:], layer.ops[1:]):
        steps.append(_elementwise(graph, index, cell, label))
    return steps
