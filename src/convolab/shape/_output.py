"""Output sizes of convolution, transposed convolution and pooling.

The formulas follow Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"
(arXiv:1603.07285), relationships 6 (convolution, any padding/stride/dilation) and 14
(transposed convolution), written with per-side padding ``lo``/``hi``:

    conv:       out = floor((W + lo + hi - d*(k-1) - 1) / s) + 1
    transposed: out = (W - 1)*s - lo - hi + d*(k-1) + output_padding + 1
    pooling:    as conv, with ceil instead of floor under ``ceil_mode``, except that the last
                window must start inside the input or the left padding (PyTorch's rule).
"""

from __future__ import annotations

from convolab._args import as_tuple, invalid, is_sequence, unwrap
from convolab.shape._padding import resolve_padding
from convolab.shape._spec import check_fits, explicit_pairs, padding_ndim_hint, window_spec


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int or tuple of int
        Input size W, kernel size k (>= 1), stride s (>= 1), dilation d (>= 1).
    padding : int, tuple, tuple of (lo, hi) pairs, 'valid' or 'same'
        Zero padding added to each side; 'same' is TensorFlow's 'SAME' (output ceil(W / s)).

    Returns
    -------
    int or tuple of int
        ``floor((W + lo + hi - d*(k-1) - 1) / s) + 1`` per dimension: an int when every
        argument is an int, else a tuple.

    Examples
    --------
    >>> conv_output_size(224, 11, stride=4, padding=2)
    55
    >>> conv_output_size((32, 100), (4, 4), padding="same")
    (32, 100)
    """
    spec = window_spec(size, kernel_size, stride, dilation, padding_ndim_hint(padding))
    pads = resolve_padding(padding, spec.size, spec.kernel_size, spec.stride, spec.dilation)
    check_fits(spec, pads)
    out = tuple(
        (w + lo + hi - span) // s + 1
        for w, (lo, hi), span, s in zip(spec.size, pads, spec.effective_kernel, spec.stride)
    )
    return unwrap(out, spec.scalar)


def conv_transpose_output_size(
    size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    """Output size of a transposed convolution (the gradient of a convolution).

    ``out = (W - 1)*s - lo - hi + d*(k-1) + output_padding + 1`` per dimension, with
    ``0 <= output_padding < max(s, d)`` as PyTorch requires: the extra cells pick which of the
    ``s`` input sizes that share a convolution output size this transposes back to.

    Examples
    --------
    >>> conv_transpose_output_size(7, 3, stride=2, padding=1, output_padding=1)
    14
    """
    hint = padding_ndim_hint(padding) or (output_padding if is_sequence(output_padding) else None)
    spec = window_spec(size, kernel_size, stride, dilation, hint)
    pads = explicit_pairs(padding, spec.ndim)
    extra = as_tuple(output_padding, spec.ndim, "output_padding", minimum=0)
    for dim, (op, s, d) in enumerate(zip(extra, spec.stride, spec.dilation)):
        if op >= max(s, d):
            raise invalid(
                "output_padding",
                output_padding,
                f"smaller than max(stride, dilation) = {max(s, d)} in dimension {dim}",
            )
    out = tuple(
        (w - 1) * s - lo - hi + span + op
        for w, s, (lo, hi), span, op in zip(
            spec.size, spec.stride, pads, spec.effective_kernel, extra
        )
    )
    for dim, o in enumerate(out):
        if o < 1:
            raise invalid(
                "padding",
                padding,
                f"padding that leaves a positive output; dimension {dim} would have size {o}",
            )
    return unwrap(out, spec.scalar)


def _pool_out_1d(w: int, p: int, span: int, s: int, ceil_mode: bool) -> int:
    numerator = w + 2 * p - span
    out = (-(-numerator // s) if ceil_mode else numerator // s) + 1
    if ceil_mode and (out - 1) * s >= w + p:
        out -= 1  # the last window would start in the right padding: PyTorch drops it
    return out


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Output size of max or average pooling, exactly as PyTorch computes it.

    ``stride`` defaults to ``kernel_size``. Padding is symmetric and at most half the kernel
    (``p <= k // 2``, PyTorch's limit). With ``ceil_mode`` the division rounds up, but a
    window that would start in the right padding is dropped.

    Examples
    --------
    >>> pool_output_size(55, 3, stride=2)
    27
    >>> pool_output_size(6, 3, stride=2, ceil_mode=True)
    3
    """
    hint = padding_ndim_hint(padding)
    spec = window_spec(size, kernel_size, kernel_size if stride is None else stride, dilation, hint)
    pads = as_tuple(padding, spec.ndim, "padding", minimum=0)
    for dim, (p, k) in enumerate(zip(pads, spec.kernel_size)):
        if p > k // 2:
            raise invalid(
                "padding",
                padding,
                f"at most half the kernel size, {k // 2}, in dimension {dim}",
            )
    check_fits(spec, tuple((p, p) for p in pads))
    out = tuple(
        _pool_out_1d(w, p, span, s, bool(ceil_mode))
        for w, p, span, s in zip(spec.size, pads, spec.effective_kernel, spec.stride)
    )
    return unwrap(out, spec.scalar)
