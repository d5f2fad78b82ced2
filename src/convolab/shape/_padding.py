"""Padding arithmetic: TensorFlow's 'SAME', any padding as pairs, padding for a wanted size.

TensorFlow's 'SAME' (``tf.nn.convolution``) makes the output ``ceil(W / s)`` and splits the
padding it needs, ``max((out - 1) * s + d * (k - 1) + 1 - W, 0)``, with the odd cell after;
the formula lives in :mod:`convolab.shape._geometry`, with every other.
"""

from __future__ import annotations

from convolab._args import Pairs, as_tuple, infer_ndim, invalid, is_sequence, unwrap
from convolab.shape._geometry import conv_geometry, window_tuples


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
    geometry = conv_geometry(size, kernel_size, stride, "same", dilation)
    return unwrap(geometry.pads, geometry.scalar)


def resolve_padding(padding, size, kernel_size, stride=1, dilation=1) -> Pairs:
    """Any accepted form of ``padding`` as explicit ``((lo, hi), ...)`` pairs.

    ``padding`` is an int, a per-dimension tuple, per-side ``(lo, hi)`` pairs, ``'valid'``
    (no padding), ``'same'`` (TensorFlow 'SAME', see :func:`same_padding`) or ``'causal'``
    (``d*(k-1)`` before, nothing after). Always returns a tuple of pairs, one per spatial
    dimension; the kernel must fit in the padded input.
    """
    return conv_geometry(size, kernel_size, stride, padding, dilation).pads


def padding_for(size, output_size, kernel_size, stride=1, dilation=1):
    """The smallest symmetric padding that makes a convolution output ``output_size``.

    The least integer ``p >= 0`` with ``floor((W + 2p - d*(k-1) - 1) / s) + 1 >= out`` in each
    dimension, checked against the geometry it gives; raises ``ValueError`` when no symmetric
    padding gives exactly that size.

    Examples
    --------
    >>> padding_for(224, 112, 7, stride=2)
    3
    >>> padding_for((32, 32), (32, 32), 5)
    (2, 2)
    """
    arguments = (size, output_size, kernel_size, stride, dilation)
    ndim = infer_ndim(*arguments)
    size, kernel, stride, dilation = window_tuples(ndim, size, kernel_size, stride, dilation)
    wanted = as_tuple(output_size, ndim, "output_size", minimum=1)
    pads = tuple(
        max(0, -(-((o - 1) * s + d * (k - 1) + 1 - w) // 2))
        for w, o, k, s, d in zip(size, wanted, kernel, stride, dilation)
    )
    got = conv_geometry(size, kernel, stride, pads, dilation).out
    for dim, (o, g, p) in enumerate(zip(wanted, got, pads)):
        if g != o:
            raise invalid(
                "output_size",
                output_size,
                f"a size reachable with symmetric padding in dimension {dim}: with padding {p} "
                f"the output is already {g} (size {size[dim]}, kernel {kernel[dim]}, stride "
                f"{stride[dim]}, dilation {dilation[dim]})",
            )
    return unwrap(pads, not any(is_sequence(a) for a in arguments))
