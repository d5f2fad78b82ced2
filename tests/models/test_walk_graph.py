"""The operator graph of one eval-mode pass (models._walk.watch) against torch.

Each recorded operator, run again by hand on its recorded arguments with every activation
replaced by the value of the operator the graph says produced it, gives the value the graph
reports for it; each module's output, copied by a forward hook the moment the module
returns (before any in-place ``relu_`` or ``+=`` writes into it), equals the graph's value
of that module's last operator. So the producers (the edges) and the values, stale ones
computed again included, are right.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convolab.models import create_model
from convolab.models._walk import watch


def _by_hand(graph, call) -> torch.Tensor:
    """``call`` run again with its activations taken from their producers' values; in a
    list argument (``cat``'s) every tensor is an activation here, in the sources' order."""
    args = [list(a) if isinstance(a, (list, tuple)) else a for a in call.args]
    filled: dict[int, int] = {}
    for position, producer in call.sources:
        value = graph.value(producer).clone()  # in-place operators must not write it
        if isinstance(args[position], list):
            args[position][filled.get(position, 0)] = value
            filled[position] = filled.get(position, 0) + 1
        else:
            args[position] = value
    out = call.func(*[tuple(a) if isinstance(a, list) else a for a in args], **call.kwargs)
    return out[0] if isinstance(out, (list, tuple)) else out


def _module_outputs(model: nn.Module, x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
    """Each leaf module's outputs, copied as it returns them (a module may run twice)."""
    outputs: dict[str, list[torch.Tensor]] = {}
    handles = [
        module.register_forward_hook(
            lambda m, a, o, n=name: outputs.setdefault(n, []).append(o.clone())
        )
        for name, module in model.named_modules()
        if name and not list(module.children())
    ]
    with torch.no_grad():
        model.eval()(x)
    for handle in handles:
        handle.remove()
    return outputs


def check_graph(model: nn.Module, x: torch.Tensor) -> int:
    graph = watch(model, x)
    for index, call in enumerate(graph.calls):
        assert call.sources, f"call {index} {call.name} has no producer"
        assert all(p < index for _, p in call.sources)
        torch.testing.assert_close(_by_hand(graph, call), graph.value(index), rtol=0, atol=0)
    calls = {}
    for index, call in enumerate(graph.calls):
        calls.setdefault(call.module, []).append(index)
    compared = 0
    for name, outputs in _module_outputs(model, x).items():
        last = [i for i in calls.get(name, []) if graph.calls[i].output.shape == outputs[-1].shape]
        if last and len(outputs) == 1:  # modules run once: their last operator's value
            torch.testing.assert_close(graph.value(last[-1]), outputs[0], rtol=0, atol=0)
            compared += 1
    assert compared >= 2
    with torch.no_grad():
        torch.testing.assert_close(graph.output, model.eval()(x), rtol=0, atol=0)
    assert graph.producer == len(graph.calls) - 1
    return len(graph.calls)


class Custom(nn.Module):
    """Functional operators, an in-place residual and a concatenation outside any module."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 3, padding=1)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        y = F.relu(self.a(x))
        z = self.b(y)
        z += y  # in place: y's record must keep its value
        z = torch.relu_(z)
        both = torch.cat([z, y], 1)  # (N, 8, H, W)
        return self.head(both.mean((2, 3)))


def test_lenet5_graph():
    assert check_graph(create_model("lenet5"), torch.randn(1, 1, 32, 32)) == 12


def test_resnet18_graph_with_in_place_relus_and_residuals():
    model = create_model("resnet18")
    graph = watch(model, torch.randn(1, 3, 64, 64))
    stale = {graph.calls[i].name for i, c in enumerate(graph.calls) if c.stale}
    assert stale == {"native_batch_norm", "add_"}  # written by relu_ and by += (add_)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    assert check_graph(model, torch.randn(1, 3, 64, 64)) > 60
    for key, value in model.state_dict().items():  # running statistics untouched
        assert torch.equal(value, state[key]), key


def test_a_custom_module_with_functional_operators():
    model = Custom()
    graph = watch(model, torch.randn(2, 3, 9, 7))
    check_graph(model, torch.randn(2, 3, 9, 7))
    names = [c.name for c in graph.calls]
    assert "add_" in names and "cat" in names
    add = graph.calls[names.index("add_")]
    assert [p for _, p in add.sources] == [names.index("convolution", 1), names.index("relu")]
    assert add.module == ""  # written in forward: the model's own operator


def test_a_value_taken_out_of_the_graph_is_named():
    class Escapes(nn.Module):
        def forward(self, x):
            return x * float(x.sum())  # .item() under the hood

    graph = watch(Escapes(), torch.ones(1, 1, 2, 2))
    assert graph.escaped == ["_local_scalar_dense"]


def test_an_output_not_computed_from_the_input_has_no_producer():
    class Constant(nn.Module):
        def forward(self, x):
            return torch.zeros(1, 3)

    assert watch(Constant(), torch.ones(1, 1, 2, 2)).producer is None


@pytest.mark.parametrize("training", [True, False])
def test_the_model_mode_is_restored(training):
    model = create_model("lenet5").train(training)
    watch(model, torch.randn(1, 1, 32, 32))
    assert model.training is training
