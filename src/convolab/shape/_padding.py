"""Padding arithmetic: TensorFlow's 'SAME', explicit padding, and padding for a wanted size.

TensorFlow's 'SAME' (``tf.nn.convolution``) makes the output ``ceil(W / s)`` and splits the
padding it needs, ``max((out - 1) * s + d * (k - 1) + 1 - W, 0)``, with the odd cell after:
``before = total // 2``, ``after = total - before``.
"""

from __future__ import annotations

from convolab._args import Pairs, as_tuple, invalid, is_int, unwrap
from convolab.shape._spec import PADDING_STRINGS, explicit_pairs, padding_ndim_hint, window_spec


def _same_pair(w: int, k: int, s: int, d: int) -> tuple[int, int]:
    out = -(-w // s)  # ceil(W / s)
    total = max((out - 1) * s + d * (k - 1) + 1 - w, 0)
    return (total // 2, total - total // 2)


def same_padding(size, kernel_size, stride=1, dilation=1):
    """TensorFlow 'SAME' padding ``(before, after)`` for each dimension.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int or tuple of int
        Input size W, kernel size k, stride s and dilation d, per spatial dimension.

    Returns
    -------
    tuple
        ``(before, after)`` for a 1-D call with ints, else one such pair per dimension. The
        padded convolution's output is ``ceil(W / s)`` in every dimension.

    Examples
    --------
    >>> same_padding(224, 7, stride=2)
    (2, 3)
    >>> same_padding(225, 7, stride=2)
    (3, 3)
    >>> same_padding((32, 100), 4)
    ((1, 2), (1, 2))
    """
    spec = window_spec(size, kernel_size, stride, dilation)
    pairs = tuple(
        _same_pair(w, k, s, d)
        for w, k, s, d in zip(spec.size, spec.kernel_size, spec.stride, spec.dilation)
    )
    return unwrap(pairs, spec.scalar)


def resolve_padding(padding, size, kernel_size, stride=1, dilation=1) -> Pairs:
    """Any accepted form of ``padding`` as explicit ``((lo, hi), ...)`` pairs.

    ``padding`` is an int, a per-dimension tuple, per-side ``(lo, hi)`` pairs, ``'valid'``
    (no padding) or ``'same'`` (TensorFlow 'SAME', see :func:`same_padding`). Always returns
    a tuple of pairs, one per spatial dimension.
    """
    spec = window_spec(size, kernel_size, stride, dilation, padding_ndim_hint(padding))
    if isinstance(padding, str) and padding not in PADDING_STRINGS:
        raise invalid("padding", padding, "an int, a tuple, per-side pairs, 'valid' or 'same'")
    if padding == "same":
        return tuple(
            _same_pair(w, k, s, d)
            for w, k, s, d in zip(spec.size, spec.kernel_size, spec.stride, spec.dilation)
        )
    return explicit_pairs(padding, spec.ndim)


def _symmetric_padding_1d(w: int, out: int, k: int, s: int, d: int, dim: int) -> int:
    span = d * (k - 1) + 1
    # floor((W + 2p - span) / s) + 1 == out  <=>  (out-1)*s <= W + 2p - span < out*s
    p = max(0, -(-((out - 1) * s + span - w) // 2))
    if w + 2 * p - span >= out * s:
        got = (w + 2 * p - span) // s + 1
        raise invalid(
            "output_size",
            out,
            f"a size reachable with symmetric padding in dimension {dim}: with padding {p} the "
            f"output is already {got} (size {w}, kernel {k}, stride {s}, dilation {d})",
        )
    return p


def padding_for(size, output_size, kernel_size, stride=1, dilation=1):
    """The smallest symmetric padding that makes a convolution output ``output_size``.

    Solves ``floor((W + 2p - d*(k-1) - 1) / s) + 1 = out`` for the least integer ``p >= 0``
    in each dimension; raises ``ValueError`` when no symmetric padding gives that size.

    Examples
    --------
    >>> padding_for(224, 112, 7, stride=2)
    3
    >>> padding_for((32, 32), (32, 32), 5)
    (2, 2)
    """
    spec = window_spec(size, kernel_size, stride, dilation, output_size)
    if is_int(output_size) and not spec.scalar:
        output_size = (output_size,) * spec.ndim
    out = as_tuple(output_size, spec.ndim, "output_size", minimum=1)
    pads = tuple(
        _symmetric_padding_1d(w, o, k, s, d, dim)
        for dim, (w, o, k, s, d) in enumerate(
            zip(spec.size, out, spec.kernel_size, spec.stride, spec.dilation)
        )
    )
    return unwrap(pads, spec.scalar and is_int(output_size))


__all__ = ["padding_for", "resolve_padding", "same_padding"]
