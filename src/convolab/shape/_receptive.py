"""Receptive field of a stack of convolution and pooling layers.

After layer ``i`` with kernel k, stride s, dilation d and left padding p, one output cell sees

    size_i  = size_{i-1} + d*(k-1) * jump_{i-1}      (cells of the network's input)
    jump_i  = jump_{i-1} * s                         (input distance between adjacent outputs)
    start_i = start_{i-1} - p * jump_{i-1}           (input index of the first output's first cell)

starting from ``size_0 = 1, jump_0 = 1, start_0 = 0`` (Araujo et al., "Computing Receptive
Fields of Convolutional Neural Networks", Distill 2019). A negative ``start`` means the first
window begins in the padding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from convolab._args import as_padding_pairs, as_tuple, infer_ndim, invalid, is_sequence, unwrap

_FIELDS = ("kernel_size", "stride", "padding", "dilation")


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field after one layer: ints for 1-D stacks, else per-dimension tuples."""

    layer: int  # index of the layer in the stack (0-based)
    size: int | tuple[int, ...]  # input cells one output cell depends on
    jump: int | tuple[int, ...]  # input distance between two adjacent output cells
    start: int | tuple[int, ...]  # input index of the first cell seen by output cell 0

    @property
    def center(self):
        """Input coordinate of the centre of output cell 0's receptive field."""
        if isinstance(self.size, tuple):
            return tuple(st + (sz - 1) / 2 for st, sz in zip(self.start, self.size))
        return self.start + (self.size - 1) / 2


def _layer_args(layer, index: int) -> dict:
    """A layer given as a mapping or a (kernel_size, stride, padding, dilation) sequence."""
    name = f"layers[{index}]"
    if isinstance(layer, Mapping):
        unknown = set(layer) - set(_FIELDS)
        if unknown or "kernel_size" not in layer:
            raise invalid(name, layer, f"a mapping with 'kernel_size' and optionally {_FIELDS[1:]}")
        return {"stride": 1, "padding": 0, "dilation": 1, **layer}
    if isinstance(layer, Sequence) and not isinstance(layer, str) and 1 <= len(layer) <= 4:
        return {"stride": 1, "padding": 0, "dilation": 1, **dict(zip(_FIELDS, layer))}
    raise invalid(name, layer, "a mapping or a (kernel_size, stride, padding, dilation) tuple")


def receptive_field(layers) -> list[ReceptiveField]:
    """Receptive field size, jump and start offset after each layer of a stack.

    Parameters
    ----------
    layers : sequence
        Each layer is a mapping with ``kernel_size`` and optional ``stride``, ``padding``
        (int, per-dimension tuple or per-side pairs) and ``dilation``, or a tuple
        ``(kernel_size, stride, padding, dilation)`` whose trailing entries may be left out.

    Examples
    --------
    >>> alexnet = [(11, 4, 2), (3, 2), (5, 1, 2), (3, 2), (3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 2)]
    >>> receptive_field(alexnet)[-1].size
    195
    """
    if not isinstance(layers, Sequence) or isinstance(layers, str) or not layers:
        raise invalid("layers", layers, "a non-empty sequence of layers")
    args = [_layer_args(layer, i) for i, layer in enumerate(layers)]
    hints = [a[f] for a in args for f in _FIELDS if is_sequence(a[f])]
    ndim = infer_ndim(*hints)
    scalar = not hints
    size, jump, start = (1,) * ndim, (1,) * ndim, (0,) * ndim
    fields = []
    for i, a in enumerate(args):
        k = as_tuple(a["kernel_size"], ndim, f"layers[{i}].kernel_size", minimum=1)
        s = as_tuple(a["stride"], ndim, f"layers[{i}].stride", minimum=1)
        d = as_tuple(a["dilation"], ndim, f"layers[{i}].dilation", minimum=1)
        lo = tuple(p[0] for p in as_padding_pairs(a["padding"], ndim, f"layers[{i}].padding"))
        size = tuple(r + di * (ki - 1) * j for r, di, ki, j in zip(size, d, k, jump))
        start = tuple(st - p * j for st, p, j in zip(start, lo, jump))
        jump = tuple(j * si for j, si in zip(jump, s))
        fields.append(
            ReceptiveField(i, unwrap(size, scalar), unwrap(jump, scalar), unwrap(start, scalar))
        )
    return fields
