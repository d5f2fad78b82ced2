"""The sliding window of a convolution or pooling operator, as a :class:`convolab.shape.Geometry`.

The operator's window (kernel, stride, padding, dilation, as the summary's watcher read it),
its ``ceil_mode`` and its input's size go through :func:`convolab.shape.conv_geometry` or
:func:`convolab.shape.pool_geometry`, the one place convolab's window formulas live; the
output size they give is checked against the output torch computed. The page draws its
windows from the same geometry.
"""

from __future__ import annotations

from convolab import shape
from convolab.models._walk import OpCall


def window_geometry(call: OpCall) -> shape.Geometry:
    """The geometry of a ``convolution``, ``max_pool2d[_with_indices]`` or ``avg_pool2d``,
    from the window the watcher read off its arguments (:attr:`OpCall.window`); only
    ``ceil_mode``, which leaves the window as it is, is read here."""
    window, args = call.window, call.args
    size = tuple(int(s) for s in args[0].shape[2:])  # (H, W)
    if call.name == "convolution":
        geometry = shape.conv_geometry(size, window.kernel, window.stride, window.padding,
                                       window.dilation)  # fmt: skip
    else:
        at = 5 if call.name.startswith("max") else 4  # max: (..., dilation, ceil_mode)
        ceil = bool(args[at]) if len(args) > at else False
        geometry = shape.pool_geometry(size, window.kernel, window.stride, window.padding,
                                       window.dilation, ceil)  # fmt: skip
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
