"""The page's layers: the operator graph of one pass, grouped as a reader thinks of a network.

A layer is one operator that mixes cells (a convolution, a pooling, a dense layer, a residual
addition, a global mean, or an operator the page does not know) followed by the element-wise
operators applied to its output alone: batch norm and the activation. So LeNet-5's ``c1`` and
``act1`` are one layer, "conv · tanh", and a ResNet block is three: "conv · bn · relu",
"conv · bn" and "add · relu", the shortcut drawn as the skip it is. Views (a flatten) make no
layer of their own: the next layer reads the previous one's output through them.
"""

from __future__ import annotations

from dataclasses import dataclass

from convolab.models._walk import INPUT, Graph, OpCall

# ATen operator -> (the page's name for it, the kind of layer it starts).
MIXING = {
    "convolution": ("conv", "conv"),
    "max_pool2d_with_indices": ("max pool", "pool"),
    "max_pool2d": ("max pool", "pool"),
    "avg_pool2d": ("avg pool", "pool"),
    "mean": ("mean", "mean"),
    "_adaptive_avg_pool2d": ("adaptive avg pool", "adaptive"),
    "addmm": ("dense", "dense"),
    "mm": ("dense", "dense"),
    "add": ("add", "add"),
    "add_": ("add", "add"),
}
# Element-wise operators of one activation: they join the layer whose output they take.
ELEMENTWISE = {
    "native_batch_norm": "bn",
    "_native_batch_norm_legit_no_training": "bn",
    "relu": "relu",
    "relu_": "relu",
    "tanh": "tanh",
    "tanh_": "tanh",
    "sigmoid": "sigmoid",
    "sigmoid_": "sigmoid",
    "hardtanh": "hardtanh",
    "hardtanh_": "hardtanh",
    "leaky_relu": "leaky relu",
    "leaky_relu_": "leaky relu",
    "elu": "elu",
    "elu_": "elu",
    "silu": "silu",
    "silu_": "silu",
    "gelu": "gelu",
}
# Operators that only relabel the elements of one activation, keeping their order.
VIEWS = frozenset(
    {"view", "_unsafe_view", "reshape", "alias", "detach", "clone", "squeeze", "unsqueeze"}
)
VIEWS |= {"lift_fresh", "_to_copy", "contiguous"}


@dataclass(frozen=True)
class Layer:
    """One column of the page: a mixing operator and the element-wise ones after it."""

    index: int
    name: str  # the module that ran its first operator, e.g. 'layer1.0.conv1'
    kind: str  # conv, pool, adaptive, mean, dense, add, act or opaque
    ops: tuple[str, ...]  # the page's names of its operators, e.g. ('conv', 'bn', 'relu')
    calls: tuple[int, ...]  # their indices in the graph
    inputs: tuple[int, ...]  # layers it reads (INPUT: the model's input), in argument order
    shape: tuple[int, ...]  # its output without the batch: (C, H, W) or (F,)

    @property
    def label(self) -> str:
        """``'conv · bn · relu'``."""
        return " · ".join(self.ops)


# Argument positions that hold activations in the operators the page explains; anything else
# computed from the input (a weight made from the image, a constant added) makes it opaque.
_ACTIVATIONS = {"addmm": (1,), "mm": (0,), "add": (0, 1), "add_": (0, 1)}


def _kind(call: OpCall) -> tuple[str, str]:
    """(page name, layer kind) of an operator that starts a layer."""
    name = call.name
    positions = tuple(position for position, _ in call.sources)
    if positions != _ACTIVATIONS.get(name, (0,)):
        return MIXING.get(name, (name,))[0], "opaque"
    if name == "convolution" and call.args[6]:  # transposed: no window of the input
        return "transposed conv", "opaque"
    if name in ("add", "add_") and call.kwargs.get("alpha", 1) != 1:
        return name, "opaque"  # a scaled term: not a plain residual sum
    if name == "mean" and not _spatial_mean(call):
        return name, "opaque"
    if name in MIXING:
        return MIXING[name]
    if name in ELEMENTWISE:
        return ELEMENTWISE[name], "act"
    return name, "opaque"


def _spatial_mean(call: OpCall) -> bool:
    """``mean`` over exactly the spatial dims of an (N, C, H, W) activation."""
    x = call.args[0]
    dims = sorted(d % x.dim() for d in call.args[1]) if len(call.args) > 1 else []
    return x.dim() == 4 and dims == [2, 3]


def _consumers(graph: Graph) -> dict[int, int]:
    """How many operators read each call's output."""
    counts: dict[int, int] = {}
    for call in graph.calls:
        for _, producer in call.sources:
            counts[producer] = counts.get(producer, 0) + 1
    return counts


def _shape(call: OpCall) -> tuple[int, ...]:
    """The output without the batch: (C, H, W) as it is, anything else flattened."""
    shape = tuple(call.output.shape[1:])
    return shape if len(shape) in (1, 3) else (max(1, call.output[0].numel()),)


class _Grouping:
    """Assigns each call to a layer, in the order the calls ran."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.consumers = _consumers(graph)
        self.layer_of: dict[int, int] = {INPUT: INPUT}  # call -> layer
        self.groups: list[dict] = []

    def add(self, index: int, call: OpCall) -> None:
        name = call.name
        producers = [p for _, p in call.sources]
        if name in VIEWS and len(producers) == 1:
            self.layer_of[index] = self.layer_of[producers[0]]  # read through, no layer
            return
        tail = self._joinable(producers, name)
        if tail is not None:
            tail["calls"].append(index)
            tail["ops"].append(ELEMENTWISE[name])
            self.layer_of[index] = self.layer_of[producers[0]]
            return
        label, kind = _kind(call)
        inputs = tuple(dict.fromkeys(self.layer_of[p] for p in producers))
        self.groups.append(
            {
                "kind": kind,
                "ops": [label],
                "calls": [index],
                "inputs": inputs,
                "module": call.module,
            }
        )
        self.layer_of[index] = len(self.groups) - 1

    def _joinable(self, producers: list[int], name: str) -> dict | None:
        """The layer an element-wise operator joins: the one whose last output it alone reads."""
        if name not in ELEMENTWISE or len(producers) != 1 or producers[0] == INPUT:
            return None
        group = self.groups[self.layer_of[producers[0]]]
        if group["calls"][-1] != producers[0] or self.consumers.get(producers[0], 0) != 1:
            return None
        return group if group["kind"] != "opaque" else None


def _name(group: dict, ops: list[str]) -> str:
    module = group["module"]
    return module if module else f"(forward) {ops[0]}"


def build_layers(graph: Graph) -> tuple[list[Layer], dict[int, int]]:
    """The page's layers of ``graph`` and, for each call, the layer it belongs to or reads
    through (a view belongs to the layer of the activation it shows)."""
    grouping = _Grouping(graph)
    for index, call in enumerate(graph.calls):
        grouping.add(index, call)
    layers = [
        Layer(
            index=i,
            name=_name(g, g["ops"]),
            kind=g["kind"],
            ops=tuple(g["ops"]),
            calls=tuple(g["calls"]),
            inputs=g["inputs"],
            shape=_shape(graph.calls[g["calls"][-1]]),
        )
        for i, g in enumerate(grouping.groups)
    ]
    return layers, grouping.layer_of
