"""Normalising the arguments every shape function shares.

``size``, ``kernel_size``, ``stride`` and ``dilation`` arrive as ints or per-dimension
sequences; a call whose arguments are all ints is 1-D and answers with ints, any other call
answers with tuples, one entry per spatial dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

from convolab._args import Pairs, as_padding_pairs, as_tuple, infer_ndim, invalid, is_sequence

PADDING_STRINGS = ("valid", "same")


@dataclass(frozen=True)
class WindowSpec:
    """Per-dimension window geometry: all fields are tuples of length ``ndim``."""

    size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    scalar: bool  # True when every argument was a plain int (answer with ints)

    @property
    def ndim(self) -> int:
        return len(self.size)

    @property
    def effective_kernel(self) -> tuple[int, ...]:
        """Span of a dilated kernel, d * (k - 1) + 1 cells per dimension."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation))


def window_spec(size, kernel_size, stride=1, dilation=1, *extra) -> WindowSpec:
    """Validate and broadcast the common arguments; ``extra`` only joins the ndim inference."""
    args = (size, kernel_size, stride, dilation, *extra)
    ndim = infer_ndim(*args)
    return WindowSpec(
        size=as_tuple(size, ndim, "size", minimum=1),
        kernel_size=as_tuple(kernel_size, ndim, "kernel_size", minimum=1),
        stride=as_tuple(stride, ndim, "stride", minimum=1),
        dilation=as_tuple(dilation, ndim, "dilation", minimum=1),
        scalar=not any(is_sequence(a) for a in args),
    )


def padding_ndim_hint(padding) -> object:
    """A value whose length tells ndim, or None: per-side pairs and per-dim tuples both do."""
    return padding if is_sequence(padding) else None


def check_fits(spec: WindowSpec, pads: Pairs) -> None:
    """Raise if the dilated kernel spans more cells than the padded input in any dimension."""
    for dim, (w, (lo, hi), span) in enumerate(zip(spec.size, pads, spec.effective_kernel)):
        if span > w + lo + hi:
            raise invalid(
                "kernel_size",
                spec.kernel_size if not spec.scalar else spec.kernel_size[0],
                f"a kernel whose dilated span d*(k-1)+1 = {span} fits in the padded input "
                f"{w} + {lo} + {hi} = {w + lo + hi} (dimension {dim}; dilation "
                f"{spec.dilation[dim]})",
            )


def explicit_pairs(padding, ndim: int) -> Pairs:
    """Padding pairs for explicit padding; 'valid' is zero padding."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        raise invalid("padding", padding, "an int, a tuple, per-side pairs, or 'valid' here")
    return as_padding_pairs(padding, ndim)
