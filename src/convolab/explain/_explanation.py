"""A model opened for the explain page: its layers, and every number of one pass on demand.

:class:`Explanation` traces the model once per input (:func:`convolab.models._walk.watch`:
every ATen operator computed from the input, in eval mode), groups the operators into the
page's layers (:mod:`convolab.explain._layers`) and answers the page's questions: the maps
of every layer and the top-5 classes for an image (:meth:`Explanation.run`), what made one
cell (:meth:`Explanation.cell`), one channel whole, a layer's kernels. It is what the server
answers with, what a saved page embeds, and what ``convolab.explain`` returns.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from convolab._args import InvalidValueError, as_int, invalid
from convolab.explain._cells import cell_steps
from convolab.explain._inputs import InputSpec
from convolab.explain._layers import Layer, build_layers
from convolab.explain._maps import channel_map, kernel_pictures, thumbnails, to_bytes
from convolab.explain._spec import describe_layer, layer_parameters, runs_in_page
from convolab.models._ops import op_cost
from convolab.models._walk import Graph, watch

TOP = 5  # classes listed at the end of the page


@dataclass
class _Pass:
    """One traced pass: the graph, its layers and which layer each call belongs to."""

    graph: Graph
    layers: list[Layer]
    layer_of: dict[int, int]

    def output(self, layer: Layer) -> torch.Tensor:
        """The layer's output without the batch, as the page shapes it."""
        return self.graph.value(layer.calls[-1])[0].reshape(layer.shape)


def _structure(layers: list[Layer]) -> list[tuple]:
    return [(layer.name, layer.kind, layer.ops, layer.inputs, layer.shape) for layer in layers]


@contextmanager
def _idle_threads():
    """torch's CPU threads set to the idle cores for one pass, then restored: on a 2-core
    machine shared with other jobs, 2 threads made a ResNet-50 pass 2-10x slower than 1
    (convolab.train._runtime's measurements and notes)."""
    from convolab.train._runtime import idle_cores

    before = torch.get_num_threads()
    torch.set_num_threads(idle_cores()[0])
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _index(value, name: str, count: int) -> int:
    """``value`` as an int in ``[0, count)``, else a message naming ``name``."""
    index = as_int(value, name, minimum=0)
    if index >= count:
        raise invalid(name, value, f"an int in [0, {count - 1}]")
    return index


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Explanation:
    """A classifier, how images reach it, and its last pass (thread-safe for the server).

    Build one with :func:`convolab.explain` or ``convolab explain``; ``_repr_html_`` shows
    the page inline in Jupyter, :meth:`save` writes it, :meth:`serve` serves it.
    """

    def __init__(self, model: torch.nn.Module, inputs: InputSpec, classes, title: str):
        self.model = model
        self.inputs = inputs
        self.title = title
        self._lock = threading.Lock()
        self.device = next((p.device for p in model.parameters()), torch.device("cpu"))
        self._pass = self._trace(self.first_image())
        self.classes = self._classes(classes)
        self.structure = _structure(self._pass.layers)
        self.describe = self._check_layers()

    def __repr__(self) -> str:
        layers = self._pass.layers
        return f"Explanation({self.title!r}, {len(layers)} layers, {len(self.classes)} classes)"

    def first_image(self) -> np.ndarray:
        """The first bundled image, else a blank canvas (dark for digit models)."""
        if self.inputs.examples:
            return self.inputs.examples[0].image
        height, width = self.inputs.canvas
        fill = 0 if self.inputs.dark else 255
        return np.full((height, width, self.inputs.channels), fill, np.uint8)

    @property
    def layers(self) -> list[Layer]:
        return self._pass.layers

    def _trace(self, image: np.ndarray) -> _Pass:
        x = self.inputs.model_input(image).to(self.device)  # (1, C, H, W)
        if x.dim() != 4:
            raise invalid("model input", tuple(x.shape), "an image batch (1, C, H, W)")
        try:
            with _idle_threads():
                graph = watch(self.model, x)
        except InvalidValueError:
            raise
        except Exception as exc:  # the model cannot take this input: one line for the user
            raise invalid(
                "model", type(self.model).__name__,
                f"a model that takes a {tuple(x.shape)} image batch ({_first_line(exc)})",
            ) from exc  # fmt: skip
        if graph.producer is None:
            left = f" (values left it through {', '.join(graph.escaped)})" if graph.escaped else ""
            raise invalid(
                "model", type(self.model).__name__,
                "a model whose output the tracer can follow from its input through torch "
                f"operators{left}",
            )  # fmt: skip
        layers, layer_of = build_layers(graph)
        return _Pass(graph, layers, layer_of)

    def _classes(self, classes) -> tuple[str, ...]:
        output = self._pass.graph.output
        if output.dim() != 2 or output.shape[0] != 1:
            raise invalid(
                "model", type(self.model).__name__,
                f"a classifier whose output is (1, classes); its output is {tuple(output.shape)}",
            )  # fmt: skip
        count = output.shape[1]
        names = tuple(str(k) for k in range(count)) if classes is None else tuple(map(str, classes))
        if len(names) != count:
            raise invalid("classes", len(names), f"{count} names, one per output of the model")
        return names

    def _check_layers(self) -> list[dict]:
        layers = self._pass.layers
        if not any(layer.kind == "conv" for layer in layers):
            kinds = ", ".join(dict.fromkeys(layer.label for layer in layers))
            raise invalid(
                "model", type(self.model).__name__,
                f"a convolutional network (it has no convolution: {kinds})",
            )  # fmt: skip
        return [describe_layer(self._pass.graph, layer) for layer in layers]

    def run(self, image: np.ndarray) -> dict:
        """Trace ``image`` (uint8 (H, W, C)); the maps of every layer and the top classes."""
        with self._lock:
            new = self._trace(image)
            if _structure(new.layers) != self.structure:
                raise invalid("image", image.shape, "one the model runs through the same layers")
            self._pass = new
            return self._result(new)

    def _result(self, state: _Pass) -> dict:
        x = state.graph.input[0]  # (C, H, W)
        lo, hi = float(x.min()), float(x.max())
        seen = ((x - lo) / max(hi - lo, 1e-12) * 2 - 1) if hi > lo else x * 0
        probabilities = torch.softmax(state.graph.output[0].double(), 0)
        top = torch.argsort(probabilities, descending=True)[:TOP].tolist()
        return {
            "input": {"shape": list(x.shape), "data": to_bytes(seen, 1.0), "range": [lo, hi]},
            "maps": [thumbnails(state.output(layer)) for layer in state.layers],
            "probabilities": probabilities.tolist(),
            "top": [{"class": k, "name": self.classes[k]} for k in top],
        }

    def cell(self, layer: int, cell) -> dict:
        """What made ``cell`` of layer ``layer`` in the last pass (see ``_cells``)."""
        with self._lock:
            state = self._pass
            chosen = self._layer(layer)
            cell = tuple(cell)
            if len(cell) != len(chosen.shape):
                raise invalid("cell", cell, f"an index into the layer's shape {chosen.shape}")
            cell = tuple(_index(i, "cell", n) for i, n in zip(cell, chosen.shape))
            steps = cell_steps(state.graph, chosen, cell, state.layer_of)
            return {"layer": chosen.index, "cell": list(cell), "steps": steps}

    def channel(self, layer: int, channel: int) -> dict:
        """One channel of a (C, H, W) layer of the last pass, whole."""
        with self._lock:
            chosen = self._layer(layer)
            if len(chosen.shape) != 3:
                return thumbnails(self._pass.output(chosen))
            channel = _index(channel, "channel", chosen.shape[0])
            return channel_map(self._pass.output(chosen), channel)

    def all_channels(self, layer: int) -> dict:
        """Every channel of a layer of the last pass (thumbnail size)."""
        with self._lock:
            return thumbnails(self._pass.output(self._layer(layer)), None)

    def kernels(self, layer: int) -> dict:
        """The kernels of a convolution layer as pictures, with their value range."""
        chosen = self._layer(layer)
        if chosen.kind != "conv":
            raise invalid("layer", layer, "a convolution layer")
        return kernel_pictures(self._pass.graph.calls[chosen.calls[0]].args[1].detach())

    def _layer(self, index) -> Layer:
        layers = self._pass.layers
        return layers[_index(index, "layer", len(layers))]

    def spec(self) -> dict:
        """The page's description of the model (no values): layers, classes, inputs."""
        state = self._pass
        return {
            "title": self.title,
            "classes": list(self.classes),
            "input": {**self.inputs.to_page(), "shape": list(state.graph.input.shape[1:])},
            "layers": self.describe,
            "output": state.layer_of[state.graph.producer],
        }

    def macs(self) -> int:
        """Multiply-accumulates of one pass (convolab.models' per-operator convention)."""
        state = self._pass
        return sum(op_cost(c.func, c.args, c.output).macs for c in state.graph.calls)

    def parameters(self) -> list[list[dict]]:
        """Every layer's operators' parameters, for a page that computes itself."""
        state = self._pass
        return [layer_parameters(state.graph, layer) for layer in state.layers]

    def runs_in_page(self) -> str | None:
        """None when a saved page can compute this model; else why it cannot."""
        if self.inputs.preprocess is None:
            return "a transform the page cannot run"
        return runs_in_page(self.model, self._pass.layers, self.macs())

    def examples_run(self) -> list[dict]:
        """The pass of every bundled image (for a saved page of a large model); the current
        pass is kept (not traced again)."""
        images = [e.image for e in self.inputs.examples] or [self.first_image()]
        current = self._pass
        results = [self.run(image) for image in images]
        with self._lock:
            self._pass = current
        return results

    def html(self) -> str:
        """The page as one self-contained HTML document (it fetches nothing)."""
        from convolab.explain._page import page_html, saved_data

        return page_html(saved_data(self))

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write :meth:`html` to ``path`` (atomically; an existing file only with
        ``overwrite``) and return the path."""
        from convolab._io import atomic_path

        path = Path(path)
        if path.exists() and not overwrite:
            raise invalid("path", str(path), "a file that does not exist yet (or overwrite=True)")
        page = self.html()
        with atomic_path(path) as tmp:
            tmp.write_text(page, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """The page inline in a Jupyter notebook."""
        from convolab.explain._page import iframe_html

        return iframe_html(self.html())

    def serve(self, host: str = "127.0.0.1", port: int = 0, open_browser: bool = True):
        """Serve the page in a background thread; returns the server (``server.url``;
        ``server.shutdown()`` stops it). Every pass, cell and kernel is computed by torch."""
        from convolab.explain._server import make_server
        from convolab.visualize import server_url

        server = make_server(self, host, port)
        server.url = server_url(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        return server
