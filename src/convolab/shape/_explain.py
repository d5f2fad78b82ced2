"""Formulas with the numbers substituted, for people reading a terminal or a report.

Every number comes from the functions of :mod:`convolab.shape`; this module only writes them
down next to the formula that produced them.
"""

from __future__ import annotations

from convolab._args import as_choice, as_tuple
from convolab.shape._output import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)
from convolab.shape._padding import resolve_padding
from convolab.shape._spec import explicit_pairs, padding_ndim_hint, window_spec

KINDS = ("conv", "transpose", "pool")


def _per_dim(value, ndim: int) -> tuple[int, ...]:
    return value if isinstance(value, tuple) else (value,) * ndim


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
    kernel size for pooling). The result is checked: the number after ``=`` is the one
    :func:`conv_output_size` (or its transposed/pooling sibling) returns.

    Examples
    --------
    >>> explain(224, 11, stride=4, padding=2)
    ['floor((224 + 2 + 2 - 1*(11-1) - 1) / 4) + 1 = 55']
    """
    kind = as_choice(kind, "kind", KINDS)
    if stride is None:
        stride = kernel_size if kind == "pool" else 1
    hint = padding_ndim_hint(padding)
    spec = window_spec(size, kernel_size, stride, dilation, hint)
    if kind == "conv":
        out = conv_output_size(size, kernel_size, stride, padding, dilation)
        pads = resolve_padding(padding, size, kernel_size, stride, dilation)
        template = "floor(({w} + {lo} + {hi} - {d}*({k}-1) - 1) / {s}) + 1 = {o}"
        extra = (0,) * spec.ndim
    elif kind == "transpose":
        out = conv_transpose_output_size(
            size, kernel_size, stride, padding, output_padding, dilation
        )
        pads = explicit_pairs(padding, spec.ndim)
        template = "({w} - 1)*{s} - {lo} - {hi} + {d}*({k}-1) + {op} + 1 = {o}"
        extra = as_tuple(output_padding, spec.ndim, "output_padding", minimum=0)
    else:
        out = pool_output_size(size, kernel_size, stride, padding, dilation, ceil_mode)
        p = as_tuple(padding, spec.ndim, "padding", minimum=0)
        pads = tuple((v, v) for v in p)
        rounding = "ceil" if ceil_mode else "floor"
        template = rounding + "(({w} + {lo} + {hi} - {d}*({k}-1) - 1) / {s}) + 1 = {o}"
        extra = (0,) * spec.ndim
    outs = _per_dim(out, spec.ndim)
    lines = []
    for w, (lo, hi), d, k, s, op, o in zip(
        spec.size, pads, spec.dilation, spec.kernel_size, spec.stride, extra, outs
    ):
        line = template.format(w=w, lo=lo, hi=hi, d=d, k=k, s=s, op=op, o=o)
        if kind == "pool" and ceil_mode and -(-(w + lo + hi - d * (k - 1) - 1) // s) + 1 != o:
            line = line.replace(
                f" = {o}", f" - 1 = {o} (a last window starting in the right padding is dropped)"
            )
        lines.append(line)
    return lines
