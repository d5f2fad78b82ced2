"""The geometry of one sliding-window layer, validated once: every formula of convolab lives here.

A :class:`Geometry` holds, per spatial dimension, what a convolution, a transposed convolution
or a pooling needs: input size ``W``, kernel ``k``, stride ``s``, dilation ``d``, the padding
``(lo, hi)`` on each side and the output size. It is built and checked by one of three
builders, at the public entry point of whatever uses it (a :mod:`convolab.shape` function, a
:mod:`convolab.functional` layer, a PyTorch module, the CLI); code below that point takes it
as given. The formulas (Dumoulin & Visin, "A guide to convolution arithmetic for deep
learning", arXiv:1603.07285, relationships 6 and 14; PyTorch's pooling rule):

    span:         d*(k-1) + 1                            (cells one dilated window covers)
    conv:         out = floor((W + lo + hi - span) / s) + 1
    transposed:   out = (W - 1)*s - lo - hi + span + output_padding
    pooling:      as conv, lo = hi = p; with ceil_mode the division rounds up, then a last
                  window that would start in the right padding is dropped
    'same':       out = ceil(W / s), total = max((out - 1)*s + span - W, 0),
                  (lo, hi) = (total // 2, total - total // 2)   (TensorFlow's 'SAME')
    'causal':     (lo, hi) = (span - 1, 0): output i sees inputs up to i*s only (WaveNet)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np

from convolab._args import (
    Pairs,
    as_padding_pairs,
    as_tuple,
    infer_ndim,
    invalid,
    is_sequence,
)

KINDS = ("conv", "transpose", "pool")
PADDING_STRINGS = ("valid", "same", "causal")
_EXPECTED_PADDING = "an int, a tuple, per-side pairs, 'valid', 'same' or 'causal'"


@dataclass(frozen=True, slots=True)
class Geometry:
    """Sliding-window geometry per spatial dimension; every field is a tuple of ``ndim``.

    For a transposed convolution ``size`` is its input and ``out`` its output, while
    ``pads`` is the cropping ``padding`` of torch's ``conv_transpose``: the transposed
    convolution is the gradient of the convolution of geometry ``size <-> out`` with these
    pads. For pooling, ``pads`` are the symmetric paddings and :attr:`overhang` the cells
    past the padded input that a ``ceil_mode`` window reads.
    """

    kind: str  # 'conv', 'transpose' or 'pool'
    size: tuple[int, ...]  # input size W
    kernel: tuple[int, ...]  # kernel size k
    stride: tuple[int, ...]  # s
    dilation: tuple[int, ...]  # d
    pads: Pairs  # (lo, hi) per dimension
    out: tuple[int, ...]  # output size
    output_padding: tuple[int, ...] = ()  # transposed convolutions only
    ceil_mode: bool = False  # pooling only
    scalar: bool = False  # built from plain ints: the shape functions answer with ints

    @property
    def ndim(self) -> int:
        return len(self.size)

    @property
    def span(self) -> tuple[int, ...]:
        """Cells one dilated window covers, ``d*(k-1) + 1``."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation))

    @property
    def padded(self) -> tuple[int, ...]:
        """``W + lo + hi``: the padded input of a convolution or pooling, or the uncropped
        output of a transposed convolution (``(W - 1)*s + span + output_padding``)."""
        if self.kind == "transpose":
            return tuple(o + lo + hi for o, (lo, hi) in zip(self.out, self.pads))
        return tuple(w + lo + hi for w, (lo, hi) in zip(self.size, self.pads))

    @property
    def overhang(self) -> tuple[int, ...]:
        """Cells past the padded input that the last window reads (``ceil_mode`` pooling)."""
        return tuple(
            max(0, (o - 1) * s + span - p)
            for o, s, span, p in zip(self.out, self.stride, self.span, self.padded)
        )

    def as_conv(self) -> Geometry:
        """The convolution whose input gradient this transposed convolution is: ``size`` and
        ``out`` swapped, the same kernel, stride, dilation and pads (already checked)."""
        return Geometry("conv", self.out, self.kernel, self.stride, self.dilation, self.pads,
                        self.size)  # fmt: skip


def window_tuples(ndim, size, kernel_size, stride, dilation, min_size=1):
    """``size``, ``kernel_size``, ``stride`` and ``dilation`` as validated ``ndim``-tuples.

    Ints and tuples of ints (sizes read off array shapes) pass without further calls: this
    runs on every convolution of the engine.
    """
    named = (("size", size, min_size), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
             ("dilation", dilation, 1))  # fmt: skip
    tuples = []
    for name, value, minimum in named:
        if type(value) is int and value >= minimum:
            tuples.append((value,) * ndim)
        elif (
            type(value) is tuple
            and len(value) == ndim
            and set(map(type, value)) == {int}
            and min(value) >= minimum
        ):
            tuples.append(value)
        else:
            tuples.append(as_tuple(value, ndim, name, minimum=minimum))
    return tuples


def _scalar(*values) -> bool:
    """True when no value is a sequence: the shape functions then answer with ints."""
    return not any(map(isinstance, values, repeat((list, tuple, np.ndarray))))  # builtins only


def conv_geometry(
    size, kernel_size, stride=1, padding=0, dilation=1, *, ndim=None, min_size=1
) -> Geometry:
    """The validated geometry of a convolution (any padding form).

    ``padding``: an int, one per dimension, per-side ``(lo, hi)`` pairs, ``'valid'``,
    ``'same'`` (TensorFlow's 'SAME', any stride) or ``'causal'`` (``span - 1`` cells before,
    none after). ``ndim`` defaults to the length of the first sequence argument (1 if none).
    ``min_size=0`` admits empty inputs (torch convolves them when the batch or the channels
    are empty too).
    """
    scalar = _scalar(size, kernel_size, stride, padding, dilation)
    if ndim is None:
        ndim = infer_ndim(size, kernel_size, stride, dilation, _sequence_or_none(padding))
    size, kernel, stride, dilation = window_tuples(
        ndim, size, kernel_size, stride, dilation, min_size
    )
    pads = _conv_pads(padding, size, kernel, stride, dilation)
    out = []
    for dim, (w, k, s, d, (lo, hi)) in enumerate(zip(size, kernel, stride, dilation, pads)):
        span = d * (k - 1) + 1
        if span > w + lo + hi:
            raise _does_not_fit(kernel_size, dim, span, w, lo, hi, d)
        out.append((w + lo + hi - span) // s + 1)
    return Geometry("conv", size, kernel, stride, dilation, pads, tuple(out), scalar=scalar)


def _sequence_or_none(value):
    return value if is_sequence(value) else None


def _conv_pads(padding, size, kernel, stride, dilation) -> Pairs:
    """``padding`` in any accepted form as ``(lo, hi)`` pairs."""
    if type(padding) is int and padding >= 0:  # the common case, without further calls
        return ((padding, padding),) * len(size)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(size)
        if padding == "same":
            return tuple(map(same_pair, size, kernel, stride, dilation))
        if padding == "causal":
            return tuple((d * (k - 1), 0) for k, d in zip(kernel, dilation))
        raise invalid("padding", padding, _EXPECTED_PADDING)
    return as_padding_pairs(padding, len(size))


def same_pair(w: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow 'SAME' padding of one dimension: ``ceil(W / s)`` outputs, odd cell after."""
    total = max((-(-w // s) - 1) * s + d * (k - 1) + 1 - w, 0)
    return (total // 2, total - total // 2)


def _does_not_fit(kernel_size, dim, span, w, lo, hi, d, extra="", rest=0):
    return invalid(
        "kernel_size",
        kernel_size,
        f"a kernel whose dilated span d*(k-1)+1 = {span} fits in the padded input "
        f"{w} + {lo} + {hi}{extra} = {w + lo + hi + rest} (dimension {dim}; dilation {d})",
    )


def transpose_geometry(
    size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1, *, ndim=None,
    min_size=1,
) -> Geometry:  # fmt: skip
    """The validated geometry of a transposed convolution.

    ``padding`` crops the output (an int, per dimension, per-side pairs or ``'valid'``);
    ``0 <= output_padding < max(stride, dilation)`` adds cells at the end, as PyTorch allows.
    ``min_size=0`` admits empty inputs and outputs (torch's, for an empty batch).
    """
    scalar = _scalar(size, kernel_size, stride, padding, output_padding, dilation)
    if ndim is None:
        hints = (_sequence_or_none(padding), _sequence_or_none(output_padding))
        ndim = infer_ndim(size, kernel_size, stride, dilation, *hints)
    size, kernel, stride, dilation = window_tuples(
        ndim, size, kernel_size, stride, dilation, min_size
    )
    if isinstance(padding, str) and padding != "valid":
        raise invalid("padding", padding, "an int, a tuple, per-side pairs, or 'valid' here")
    pads = ((0, 0),) * ndim if padding == "valid" else as_padding_pairs(padding, ndim)
    extra = as_tuple(output_padding, ndim, "output_padding", minimum=0)
    out = []
    for dim, (w, k, s, d, (lo, hi), op) in enumerate(
        zip(size, kernel, stride, dilation, pads, extra)
    ):
        if op >= max(s, d):
            raise invalid(
                "output_padding",
                output_padding,
                f"smaller than max(stride, dilation) = {max(s, d)} in dimension {dim}",
            )
        o = (w - 1) * s - lo - hi + d * (k - 1) + 1 + op
        if o < min_size:
            raise invalid(
                "padding",
                padding,
                f"padding that leaves a positive output; dimension {dim} would have size {o}",
            )
        out.append(o)
    return Geometry(
        "transpose", size, kernel, stride, dilation, pads, tuple(out), extra, scalar=scalar
    )


def pool_geometry(
    size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, *, ndim=None
) -> Geometry:
    """The validated geometry of max or average pooling, exactly as PyTorch sizes it.

    ``stride`` defaults to ``kernel_size`` (also for an empty tuple, as torch); ``padding`` is
    symmetric, at most half the kernel (``p <= k // 2``, torch's limit). With ``ceil_mode``
    the last window may hang past the padded input, as long as it starts inside the input
    or its left padding.
    """
    if stride is None or (is_sequence(stride) and len(stride) == 0):
        stride = kernel_size
    scalar = _scalar(size, kernel_size, stride, padding, dilation)
    if ndim is None:
        ndim = infer_ndim(size, kernel_size, stride, dilation, _sequence_or_none(padding))
    size, kernel, stride, dilation = window_tuples(ndim, size, kernel_size, stride, dilation)
    pads = as_tuple(padding, ndim, "padding", minimum=0)
    ceil_mode = bool(ceil_mode)
    out = []
    for dim, (w, k, s, d, p) in enumerate(zip(size, kernel, stride, dilation, pads)):
        if p > k // 2:
            raise invalid(
                "padding", padding, f"at most half the kernel size, {k // 2}, in dimension {dim}"
            )
        out.append(_pool_out(kernel_size, dim, w, k, s, d, p, ceil_mode))
    return Geometry(
        "pool",
        size,
        kernel,
        stride,
        dilation,
        tuple((p, p) for p in pads),
        tuple(out),
        ceil_mode=ceil_mode,
        scalar=scalar,
    )


def _pool_out(kernel_size, dim, w, k, s, d, p, ceil_mode) -> int:
    span = d * (k - 1) + 1
    numerator = w + 2 * p - span
    if not ceil_mode:
        if numerator < 0:
            raise _does_not_fit(kernel_size, dim, span, w, p, p, d)
        return numerator // s + 1
    if numerator <= -s:  # not even a window that starts at the first cell
        raise _does_not_fit(kernel_size, dim, span, w, p, p, d, f" + {s} - 1 (ceil_mode)", s - 1)
    out = -(-numerator // s) + 1
    if (out - 1) * s >= w + p:
        out -= 1  # the last window would start in the right padding: PyTorch drops it
    return out


def build(kind, size, kernel_size, stride, padding, dilation, output_padding=0, ceil_mode=False):
    """The geometry of ``kind`` (one of :data:`KINDS`) from the arguments its builder takes."""
    if kind == "conv":
        return conv_geometry(size, kernel_size, stride, padding, dilation)
    if kind == "transpose":
        return transpose_geometry(size, kernel_size, stride, padding, output_padding, dilation)
    if kind == "pool":
        return pool_geometry(size, kernel_size, stride, padding, dilation, ceil_mode)
    raise invalid("kind", kind, "one of " + ", ".join(repr(k) for k in KINDS))
