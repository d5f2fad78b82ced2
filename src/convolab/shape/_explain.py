"""Formulas with the numbers substituted, for people reading a terminal or a report.

Every number comes from one :class:`~convolab.shape._geometry.Geometry`; this module only
writes them down next to the formula that produced them.
"""

from __future__ import annotations

from convolab._args import as_choice
from convolab.shape._geometry import KINDS, Geometry, build

_TEMPLATES = {
    "conv": "floor(({w} + {lo} + {hi} - {d}*({k}-1) - 1) / {s}) + 1 = {o}",
    "transpose": "({w} - 1)*{s} - {lo} - {hi} + {d}*({k}-1) + {op} + 1 = {o}",
    "pool": "{rounding}(({w} + {lo} + {hi} - {d}*({k}-1) - 1) / {s}) + 1 = {o}",
}
_DROPPED = " - 1 = {o} (a last window starting in the right padding is dropped)"


def explain(
    size,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    *,
    kind="conv",
    output_padding=0,
    ceil_mode=False,
) -> list[str]:
    """One line per spatial dimension: the output-size formula with the numbers put in.

    ``kind`` is ``'conv'``, ``'transpose'`` or ``'pool'``; ``stride`` defaults to 1 (to the
    kernel size for pooling). The number after ``=`` is the geometry's output size, the one
    :func:`conv_output_size` (or its transposed/pooling sibling) returns.

    Examples
    --------
    >>> explain(224, 11, stride=4, padding=2)
    ['floor((224 + 2 + 2 - 1*(11-1) - 1) / 4) + 1 = 55']
    """
    kind = as_choice(kind, "kind", KINDS)
    if stride is None and kind != "pool":
        stride = 1
    geometry = build(kind, size, kernel_size, stride, padding, dilation, output_padding, ceil_mode)
    return explain_geometry(geometry)


def explain_geometry(geometry: Geometry) -> list[str]:
    """The lines of :func:`explain` for a geometry already built."""
    rounding = "ceil" if geometry.ceil_mode else "floor"
    extra = geometry.output_padding or (0,) * geometry.ndim
    lines = []
    for w, (lo, hi), d, k, s, op, o in zip(
        geometry.size,
        geometry.pads,
        geometry.dilation,
        geometry.kernel,
        geometry.stride,
        extra,
        geometry.out,
    ):
        numbers = dict(w=w, lo=lo, hi=hi, d=d, k=k, s=s, op=op, o=o, rounding=rounding)
        line = _TEMPLATES[geometry.kind].format(**numbers)
        if geometry.ceil_mode and -(-(w + lo + hi - d * (k - 1) - 1) // s) + 1 != o:
            line = line.replace(f" = {o}", _DROPPED.format(o=o))
        lines.append(line)
    return lines
