"""What one ATen operator costs: multiply-accumulates, elementwise work and its sliding window.

The summary counts work per operator, below every ``nn.Module``, so a ``F.conv2d`` or an ``@``
written inside ``forward`` counts as much as an ``nn.Conv2d``. Conventions (fvcore's, behind
torchvision's published GFLOPS; one MAC = one multiply and one add = 2 FLOPs):

- convolution: ``out_elements * (C_in / groups) * prod(kernel)`` — every kernel tap of every
  output element, taps over zero padding included (torch performs those products too);
- transposed convolution: ``in_elements * (C_out / groups) * prod(kernel)`` — every input
  element is scattered through every tap (counting from the output, as thop and ptflops do,
  also counts the products with the zeros inserted between inputs);
- dense (``mm``, ``bmm``, ``addmm``, ``baddbmm``, ``mv``, ``dot``; ``linear``, ``matmul``,
  ``@`` and ``einsum`` reach these): the product of every dimension, batch and middle ones
  included, e.g. ``(B, n, k) @ (k, m)`` is ``B*n*k*m``;
- elementwise: bias additions, normalisation, activations, pooling, residual additions and
  reductions are reported apart, never folded into the MACs: one operation per element of
  the operator's largest operand (its output, or its input for a reduction or a pooling).
  Views, copies, allocations, concatenation and indexing count nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

# Operators that compute nothing: allocation, copies, layout, concatenation, indexing.
_NO_WORK = frozenset(
    {
        "_to_copy",
        "_unsafe_view",
        "alias",
        "arange",
        "bernoulli_",
        "cat",
        "clone",
        "constant_pad_nd",
        "copy_",
        "detach",
        "embedding",
        "empty",
        "empty_like",
        "empty_strided",
        "fill_",
        "full",
        "full_like",
        "gather",
        "index",
        "index_select",
        "lift_fresh",
        "new_empty",
        "new_empty_strided",
        "new_full",
        "new_ones",
        "new_zeros",
        "ones",
        "ones_like",
        "rand",
        "rand_like",
        "randn",
        "randn_like",
        "scalar_tensor",
        "stack",
        "zero_",
        "zeros",
        "zeros_like",
    }
)


@dataclass(frozen=True)
class Window:
    """The sliding window of a convolution or pooling operator, per spatial dimension."""

    kind: str  # 'conv', 'transpose' or 'pool'
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]  # zeros added before each dimension (torch pads symmetrically)
    dilation: tuple[int, ...]
    groups: int = 1


@dataclass(frozen=True)
class OpCost:
    """Work of one operator call."""

    macs: int = 0
    elementwise: int = 0
    window: Window | None = None


def _numel(value) -> int:
    return value.numel() if isinstance(value, torch.Tensor) else 0


def _tensors(values) -> list[torch.Tensor]:
    """Tensors among ``values``, one level of lists included (``cat``'s argument)."""
    found = []
    for value in values:
        if isinstance(value, torch.Tensor):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found += [v for v in value if isinstance(v, torch.Tensor)]
    return found


def _dims(values, ndim: int, default: int) -> tuple[int, ...]:
    """An ATen int list (maybe empty or of length 1) as ``ndim`` ints."""
    values = list(values) if values is not None else []
    if not values:
        return (default,) * ndim
    return tuple(values) * ndim if len(values) == 1 else tuple(values)


def _convolution(args, out) -> OpCost:
    """``aten.convolution(input, weight, bias, stride, padding, dilation, transposed, ...)``."""
    x, weight, bias, stride, padding, dilation, transposed = args[:7]
    groups = args[8] if len(args) > 8 else 1
    kernel = tuple(weight.shape[2:])
    ndim = len(kernel)
    # weight (C_out, C_in/g, *k) for a convolution, (C_in, C_out/g, *k) when transposed
    per_element = weight.shape[1] * math.prod(kernel)
    macs = (x.numel() if transposed else out.numel()) * per_element
    window = Window(
        "transpose" if transposed else "conv",
        kernel,
        _dims(stride, ndim, 1),
        _dims(padding, ndim, 0),
        _dims(dilation, ndim, 1),
        int(groups),
    )
    return OpCost(macs, _numel(out) if bias is not None else 0, window)


def _pool_window(name: str, args) -> Window:
    """Window of ``max_pool*d[_with_indices]`` and ``avg_pool*d``."""
    kernel = tuple(args[1])
    ndim = len(kernel)
    stride = _dims(args[2] if len(args) > 2 else None, ndim, 0)
    stride = kernel if 0 in stride else stride  # an empty stride means the kernel size
    padding = _dims(args[3] if len(args) > 3 else None, ndim, 0)
    dilation = _dims(args[4] if len(args) > 4 and name.startswith("max") else None, ndim, 1)
    return Window("pool", kernel, stride, padding, dilation)


def _dense_macs(name: str, args) -> int:
    """Products of a matrix operator: the product of all its dimensions."""
    a, b = (args[1], args[2]) if name in ("addmm", "baddbmm", "addbmm", "addmv") else args[:2]
    if name in ("mm", "addmm"):
        return a.shape[0] * a.shape[1] * b.shape[1]  # (n, k) @ (k, m)
    if name in ("bmm", "baddbmm", "addbmm"):
        return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]  # (B, n, k) @ (B, k, m)
    if name in ("mv", "addmv"):
        return a.shape[0] * a.shape[1]  # (n, k) @ (k,)
    return a.shape[0]  # dot, vdot: (k,) . (k,)


_DENSE = frozenset({"mm", "addmm", "bmm", "baddbmm", "addbmm", "mv", "addmv", "dot", "vdot"})
_BIASED = frozenset({"addmm", "baddbmm", "addbmm", "addmv"})
_POOLS = frozenset(
    {
        "max_pool1d",
        "max_pool2d",
        "max_pool3d",
        "max_pool2d_with_indices",
        "max_pool3d_with_indices",
        "avg_pool1d",
        "avg_pool2d",
        "avg_pool3d",
    }
)


def op_name(func) -> str:
    """The operator's name without namespace and overload, e.g. ``'convolution'``."""
    return func.overloadpacket.__name__


def op_cost(func, args, out) -> OpCost:
    """MACs, elementwise operations and sliding window of one call ``func(*args) -> out``."""
    name = op_name(func)
    if name in ("convolution", "_convolution"):
        return _convolution(args, out)
    if name in _DENSE:
        return OpCost(_dense_macs(name, args), _numel(out) if name in _BIASED else 0)
    if name in _NO_WORK or _is_view(func):
        return OpCost()
    outputs = _tensors(out if isinstance(out, (list, tuple)) else [out])
    largest = max((t.numel() for t in _tensors(args) + outputs), default=0)
    window = _pool_window(name, args) if name in _POOLS else None
    return OpCost(0, largest, window)


def _is_view(func) -> bool:
    """True for operators whose result aliases an input without writing it (views)."""
    return any(r.alias_info is not None and not r.alias_info.is_write for r in func._schema.returns)
