"""Receptive fields followed through the operator graph, residual and concatenating branches too.

Each tensor derived from the model's input carries one :class:`Field` per spatial dimension:
the input cells output cell 0 sees (``size``), the input distance between adjacent cells
(``jump``) and the input index of cell 0's first cell (``start``; negative inside the
padding), after Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019. A convolution or pooling composes its window with the field of its
input through :func:`convolab.shape.receptive_field`; an operator joining several tensors (a
residual addition, a concatenation along channels) takes the widest path: the union of their
windows. Batch norm is per-channel at inference, so it passes fields through as an activation
does; the fields describe the model in eval mode.

Operators with no fixed window (transposed convolution, interpolation, adaptive pooling with
uneven windows, flattening) give ``UNKNOWN``, and so does everything computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from convolab import shape
from convolab.models._ops import Window, op_name


@dataclass(frozen=True)
class Field:
    """The receptive field of output cell 0 along one dimension, in input cells."""

    size: int
    jump: int
    start: int

    @property
    def end(self) -> int:
        return self.start + self.size - 1


UNIT = Field(1, 1, 0)  # an input cell sees itself
UNKNOWN = "unknown"  # a tensor derived from the input through an operator with no window

# Operators that keep every spatial cell where it is (per-element or per-channel work).
_LOCAL = frozenset(
    {
        "native_batch_norm",
        "_native_batch_norm_legit",
        "_native_batch_norm_legit_no_training",
        "native_dropout",
        "clone",
        "_to_copy",
        "copy_",
        "detach",
        "alias",
        "lift_fresh",
        "cat",
    }
)
_REDUCTIONS = frozenset({"mean", "sum", "amax", "amin"})
_PADS = frozenset({"constant_pad_nd", "reflection_pad1d", "reflection_pad2d", "reflection_pad3d"})
_PADS |= {"replication_pad1d", "replication_pad2d", "replication_pad3d"}


def compose(field: Field, window: Window, dim: int) -> Field:
    """The field after ``window`` along ``dim`` of a tensor whose cells see ``field``.

    The window's own field (from :func:`convolab.shape.receptive_field`, in cells of its
    input) is mapped through ``field``: sizes add up in units of the input's jump.
    """
    own = shape.receptive_field(
        [(window.kernel[dim], window.stride[dim], window.padding[dim], window.dilation[dim])]
    )[0]
    return Field(
        field.size + (own.size - 1) * field.jump,
        field.jump * own.jump,
        field.start + own.start * field.jump,
    )


def union(fields: list[Field]) -> Field | None:
    """The widest path through branches joined by an operator: the union of their windows.

    Branches with different jumps do not line up cell for cell, so there is no field.
    """
    if len({f.jump for f in fields}) > 1:
        return None
    start, end = min(f.start for f in fields), max(f.end for f in fields)
    return Field(end - start + 1, fields[0].jump, start)


def _spatial(fields) -> bool:
    return isinstance(fields, tuple)


def _joined(inputs: list, out: torch.Tensor):
    """Fields of ``out`` from same-layout inputs (broadcast from the right), or UNKNOWN."""
    result = []
    for axis in range(1, out.dim() + 1):
        column = [f[-axis] for f in inputs if len(f) >= axis and f[-axis] is not None]
        if not column:
            result.append(None)
            continue
        joined = union(column)
        if joined is None:
            return UNKNOWN
        result.append(joined)
    return tuple(reversed(result))


def _windowed(fields: tuple, window: Window):
    """Fields after a convolution or pooling over the last ``len(window.kernel)`` dims."""
    if window.kind == "transpose":
        return UNKNOWN
    ndim = len(window.kernel)
    lead, spatial = fields[:-ndim], fields[-ndim:]
    if any(f is None for f in spatial):
        return UNKNOWN
    return lead + tuple(compose(f, window, d) for d, f in enumerate(spatial))


def _reduced(fields: tuple, x: torch.Tensor, dims, keepdim: bool):
    """Fields after a reduction over ``dims``: a reduced dim sees its whole extent."""
    dims = {d % x.dim() for d in ([dims] if isinstance(dims, int) else dims)}
    if not keepdim and any(fields[d] is not None for d in dims):
        return UNKNOWN
    whole = [Window("pool", (x.shape[d],), (1,), (0,), (1,)) for d in range(x.dim())]
    return tuple(
        compose(f, whole[d], 0) if d in dims and f is not None else f for d, f in enumerate(fields)
    )


def _padded(fields: tuple, pads) -> tuple:
    """Fields after padding (``pads`` = last dim's before, after, then the previous dim's)."""
    result = list(fields)
    for i in range(len(pads) // 2):
        d = len(fields) - 1 - i
        if result[d] is not None:
            f = result[d]
            result[d] = Field(f.size, f.jump, f.start - pads[2 * i] * f.jump)
    return tuple(result)


def _viewed(fields: tuple, x: torch.Tensor, out: torch.Tensor):
    """Fields after a reshape: kept when the spatial (trailing) dims are untouched."""
    spatial = next((i for i, f in enumerate(fields) if f is not None), len(fields))
    tail = x.shape[spatial:]
    if spatial == len(fields):
        return (None,) * out.dim()
    if any(f is None for f in fields[spatial:]) or out.shape[out.dim() - len(tail) :] != tail:
        return UNKNOWN
    return (None,) * (out.dim() - len(tail)) + fields[spatial:]


def _adaptive(fields: tuple, x: torch.Tensor, sizes):
    """Adaptive pooling: a plain window when every output size divides the input's."""
    ndim = len(sizes)
    windows = []
    for size, out in zip(x.shape[-ndim:], sizes):
        if size % out:
            return UNKNOWN  # uneven windows: no single size, jump or start
        windows.append(size // out)
    k = tuple(windows)
    return _windowed(fields, Window("pool", k, k, (0,) * ndim, (1,) * ndim))


def _reordered(name: str, fields: tuple, args):
    """Fields after unsqueeze, squeeze, permute or transpose."""
    fields = list(fields)
    if name == "unsqueeze":
        fields.insert(args[1] % (len(fields) + 1), UNIT)
    elif name == "squeeze":
        dims = range(len(fields)) if len(args) < 2 else args[1]
        dims = [dims] if isinstance(dims, int) else dims
        drop = {d % len(fields) for d in dims if args[0].shape[d] == 1}
        fields = [f for d, f in enumerate(fields) if d not in drop]
    elif name == "permute":
        fields = [fields[d] for d in args[1]]
    else:  # transpose, t
        a, b = (args[1], args[2]) if len(args) > 2 else (0, 1)
        fields[a], fields[b] = fields[b], fields[a]
    return tuple(fields)


def _joining(name: str, func, args) -> bool:
    """True for operators that keep cells in place: pointwise, per-channel, concatenation."""
    if name == "cat":
        return True
    return name in _LOCAL or torch.Tag.pointwise in func.tags


def propagate(func, args, out, window: Window | None, lookup):
    """Fields of ``func(*args) -> out``; None when no input came from the model's input.

    ``lookup(tensor)`` gives a tensor's fields (a tuple with one :class:`Field` or None per
    dimension), ``UNKNOWN``, or None for tensors not computed from the input (parameters).
    """
    name = op_name(func)
    inputs = [t for a in args for t in (a if isinstance(a, (list, tuple)) else [a])]
    known = [lookup(t) for t in inputs if isinstance(t, torch.Tensor)]
    known = [k for k in known if k is not None]
    if not known:
        return None
    if any(not _spatial(k) for k in known):
        return UNKNOWN
    first, x = known[0], args[0]
    result = out[0] if isinstance(out, (list, tuple)) else out
    if window is not None:
        return _windowed(first, window)
    if name in _PADS:
        return _padded(first, args[1])
    if name in ("unsqueeze", "squeeze", "permute", "transpose", "t"):
        return _reordered(name, first, args)
    if name in ("view", "_unsafe_view", "reshape", "expand"):
        return _viewed(first, x, result)
    if name in ("_adaptive_avg_pool2d", "_adaptive_avg_pool3d", "adaptive_max_pool2d"):
        return _adaptive(first, x, args[1])
    if name in _REDUCTIONS:
        dims = args[1] if len(args) > 1 and args[1] is not None else range(x.dim())
        return _reduced(first, x, dims, len(args) > 2 and bool(args[2]))
    if name == "cat" and any(k[(args[1] if len(args) > 1 else 0)] is not None for k in known):
        return UNKNOWN  # joined along a spatial dimension: cells move
    if _joining(name, func, args):
        return _joined(known, result)
    return UNKNOWN
