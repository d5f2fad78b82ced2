"""The sliding window of a convolution or pooling operator, as a :class:`convolab.shape.Geometry`.

The operator's arguments (kernel, stride, padding, dilation, ceil_mode) and its input's size
go through :func:`convolab.shape.conv_geometry` or :func:`convolab.shape.pool_geometry`, the
one place convolab's window formulas live; the output size they give is checked against the
output torch computed. The page draws its windows from the same geometry.
"""

from __future__ import annotations

from convolab import shape
from convolab.models._walk import OpCall


def _ints(values, ndim: int, default: int) -> tuple[int, ...]:
    values = list(values) if values is not None else []
    if not values:
        return (default,) * ndim
    return tuple(int(v) for v in values) * (ndim if len(values) == 1 else 1)


def window_geometry(call: OpCall) -> shape.Geometry:
    """The geometry of a ``convolution``, ``max_pool2d[_with_indices]`` or ``avg_pool2d``."""
    x, args = call.args[0], call.args
    size = tuple(int(s) for s in x.shape[2:])  # (H, W)
    ndim = len(size)
    if call.name == "convolution":
        kernel = tuple(int(k) for k in args[1].shape[2:])
        geometry = shape.conv_geometry(
            size, kernel, _ints(args[3], ndim, 1), _ints(args[4], ndim, 0),
            _ints(args[5], ndim, 1),
        )  # fmt: skip
    else:
        kernel = _ints(args[1], ndim, 1)
        stride = _ints(args[2] if len(args) > 2 else None, ndim, 0)
        stride = kernel if 0 in stride else stride  # an empty stride is the kernel's
        padding = _ints(args[3] if len(args) > 3 else None, ndim, 0)
        is_max = call.name.startswith("max")
        dilation = _ints(args[4] if is_max and len(args) > 4 else None, ndim, 1)
        at = 5 if is_max else 4  # max: (..., dilation, ceil_mode); avg: (..., ceil_mode, ...)
        ceil = args[at] if len(args) > at else False
        geometry = shape.pool_geometry(size, kernel, stride, padding, dilation, bool(ceil))
    assert geometry.out == tuple(call.output.shape[2:]), (geometry, call.output.shape)
    return geometry


def window_positions(geometry: shape.Geometry, dim: int, out: int) -> list[int]:
    """Input positions the taps of output ``out`` read along ``dim``: ``out*s + k*d - lo``
    (negative or past the input: the padding, or past it for a ``ceil_mode`` window)."""
    s, d, lo = geometry.stride[dim], geometry.dilation[dim], geometry.pads[dim][0]
    return [out * s + k * d - lo for k in range(geometry.kernel[dim])]


def as_page(geometry: shape.Geometry) -> dict:
    """The geometry as the page's engine takes a layer (js/engine.js), JSON-ready."""
    return {
        "size": list(geometry.size),
        "kernel": list(geometry.kernel),
        "stride": list(geometry.stride),
        "dilation": list(geometry.dilation),
        "pads": [list(p) for p in geometry.pads],
        "out": list(geometry.out),
        "ceil_mode": geometry.ceil_mode,
    }
