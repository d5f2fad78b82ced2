"""The network as the page draws it: layers, edges, windows, receptive fields, parameters.

Each layer is described once for the page (name, operators, kind, output shape, the layers it
reads, the window geometry of a convolution or pooling, the receptive field of its cells).
A saved page that computes in the browser also gets every operator's parameters, as base64
float32 (:func:`layer_parameters`); the page runs them on the visualizer's engine
(``js/engine.js``). :func:`runs_in_page` says whether a model is small and plain enough.
"""

from __future__ import annotations

import base64

import torch

from convolab.explain._layers import Layer
from convolab.explain._windows import as_page, window_geometry
from convolab.models._receptive import Field
from convolab.models._walk import Graph, OpCall

# A saved page computes in the browser for models up to these sizes (LeNet-5: 61,706
# parameters, 0.42 M MACs); larger ones embed the activations of the bundled images.
PAGE_MAX_PARAMETERS = 1_000_000
PAGE_MAX_MACS = 50_000_000
# Operators the page's JavaScript computes (js/explain_net.js).
PAGE_OPS = frozenset(
    {"conv", "max pool", "avg pool", "adaptive avg pool", "mean", "dense", "add", "bn"}
    | {"relu", "tanh", "sigmoid", "hardtanh", "leaky relu", "elu", "silu"}
)


def floats_to_page(t: torch.Tensor | None) -> str | None:
    """A tensor as base64 little-endian float32 (row-major), or None."""
    if t is None:
        return None
    data = t.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes()
    return base64.b64encode(data).decode("ascii")


def _field(call: OpCall) -> list | None:
    """[[size, jump, start] per spatial dimension] of the call's output cells, or None."""
    fields = call.fields
    if not isinstance(fields, tuple):
        return None
    spatial = [f for f in fields if isinstance(f, Field)]
    if len(spatial) != 2:
        return None
    return [[f.size, f.jump, f.start] for f in spatial]


def describe_layer(graph: Graph, layer: Layer) -> dict:
    """What the page knows of a layer before any input: everything but its values."""
    first, last = graph.calls[layer.calls[0]], graph.calls[layer.calls[-1]]
    entry = {
        "index": layer.index,
        "name": layer.name,
        "kind": layer.kind,
        "ops": list(layer.ops),
        "inputs": list(layer.inputs),
        "shape": list(layer.shape),
        "field": _field(last),
    }
    if layer.kind in ("conv", "pool"):
        entry["geometry"] = as_page(window_geometry(first))
    if layer.kind == "conv":
        weight = first.args[1]
        entry["groups"] = first.window.groups
        entry["weight_shape"] = list(weight.shape)
    return entry


def _op_parameters(call: OpCall, label: str) -> dict:
    """The parameters of one operator of a layer, for the page's JavaScript."""
    args = call.args
    if label == "conv":
        return {"weight": floats_to_page(args[1]), "bias": floats_to_page(args[2])}
    if label == "dense":
        weight_t = args[2] if call.name == "addmm" else args[1]  # (F_in, F_out)
        bias = args[0].reshape(-1) if call.name == "addmm" else None
        return {"weight": floats_to_page(weight_t.t()), "bias": floats_to_page(bias)}
    if label == "bn":
        weight, bias, mean, var = args[1:5]
        ones = torch.ones_like(mean)
        return {
            "weight": floats_to_page(ones if weight is None else weight),
            "bias": floats_to_page(ones * 0 if bias is None else bias),
            "mean": floats_to_page(mean),
            "var": floats_to_page(var),
            "eps": float(args[-1]),
        }
    return op_scalars(call, label)


def op_scalars(call: OpCall, label: str) -> dict:
    """The scalar arguments of an operator, with torch's defaults: an average pool's
    ``include_pad`` and ``divisor`` (override), hardtanh's bounds, leaky relu's slope and
    elu's alpha; ``{}`` for the others."""
    args = call.args
    if label == "avg pool":
        return {
            "include_pad": bool(args[5]) if len(args) > 5 else True,
            "divisor": int(args[6]) if len(args) > 6 and args[6] is not None else None,
        }
    if label == "hardtanh":
        return {"min": float(args[1]), "max": float(args[2])}
    if label == "leaky relu":
        return {"slope": float(args[1]) if len(args) > 1 else 0.01}
    if label == "elu":
        return {"alpha": float(args[1]) if len(args) > 1 else 1.0}
    return {}


def layer_parameters(graph: Graph, layer: Layer) -> list[dict]:
    """Per operator of ``layer``, its parameters (see :func:`_op_parameters`)."""
    return [_op_parameters(graph.calls[i], op) for i, op in zip(layer.calls, layer.ops)]


def runs_in_page(model: torch.nn.Module, layers: list[Layer], macs: int) -> str | None:
    """None when a saved page can compute the model itself; else the reason it cannot."""
    parameters = sum(p.numel() for p in model.parameters())
    if parameters > PAGE_MAX_PARAMETERS:
        return f"{parameters:,} parameters (a saved page computes up to {PAGE_MAX_PARAMETERS:,})"
    if macs > PAGE_MAX_MACS:
        return f"{macs:,} multiply-accumulates (a saved page computes up to {PAGE_MAX_MACS:,})"
    unknown = sorted({op for layer in layers for op in layer.ops if op not in PAGE_OPS})
    if unknown:
        return "operators the page cannot compute: " + ", ".join(unknown)
    return None
