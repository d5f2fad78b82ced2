"""Padding: every boundary mode of convolab, and the one table of their names.

=========== ============================ =================== ======================
mode        ``[a b c d]`` padded by 2     conv ``padding_mode`` scipy.ndimage name
=========== ============================ =================== ======================
constant    ``v v a b c d v v``           zeros               constant
reflect     ``c b a b c d c b``           reflect             mirror
replicate   ``a a a b c d d d``           replicate           nearest
circular    ``c d a b c d a b``           circular            wrap
symmetric   ``b a a b c d d c``           (none)              reflect
=========== ============================ =================== ======================

:func:`pad` follows ``torch.nn.functional.pad`` (``'symmetric'`` is NumPy's): torch's limits
('reflect' pads less than the axis, 'circular' at most the axis) and torch's negative
padding: a crop, which for 'reflect' and 'replicate' reads the original axis (output cell ``i``
is input cell ``i - lo`` extended), and for 'circular' wraps the cropped axis.
:func:`source_index` extends an axis periodically for any width, as ``scipy.ndimage`` does.
"""

from __future__ import annotations

import numpy as np

from convolab._args import Pairs, as_choice, invalid, is_int, is_sequence, wrong_type

MODES = ("constant", "reflect", "replicate", "circular", "symmetric")
# torch's conv ``padding_mode`` and scipy.ndimage's ``mode`` names, as modes of this module
CONV_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
              "circular": "circular"}  # fmt: skip
SCIPY_MODES = {"reflect": "symmetric", "constant": "constant", "nearest": "replicate",
               "mirror": "reflect", "wrap": "circular"}  # fmt: skip
_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap",
               "symmetric": "symmetric"}  # fmt: skip


def pad(x, pad, mode="constant", value=0.0) -> np.ndarray:
    """Pad the last ``len(pad) // 2`` axes of ``x``, like ``torch.nn.functional.pad``.

    Parameters
    ----------
    x : array_like
        Any shape (torch's non-constant modes need batch axes; here any rank works);
        the dtype is kept.
    pad : tuple of int
        ``(last_before, last_after, second_last_before, ...)``, last axis first as torch
        orders it. Negative values crop, in every mode (see the module notes).
    mode : {'constant', 'reflect', 'replicate', 'circular', 'symmetric'}
        See the module table. 'reflect' needs ``pad < size``; 'circular' and 'symmetric'
        need ``pad <= size``.
    value : float
        Fill value for 'constant'.

    Examples
    --------
    >>> pad(np.arange(4), (2, 1), mode="reflect")
    array([2, 1, 0, 1, 2, 3, 2])
    >>> pad(np.arange(5), (-1, 2), mode="replicate")
    array([1, 2, 3, 4, 4, 4])
    """
    x = np.asarray(x)
    expected = f"a tuple of an even number (at most {2 * x.ndim}) of ints"
    if not is_sequence(pad) or not all(is_int(p) for p in pad):
        raise wrong_type("pad", pad, expected)
    if len(pad) % 2 or len(pad) > 2 * x.ndim:
        raise invalid("pad", pad, expected)
    flat = [int(p) for p in pad]
    pairs = tuple((flat[i], flat[i + 1]) for i in range(len(flat) - 2, -1, -2))
    mode = as_choice(mode, "mode", MODES)
    check_padding(x.shape, pairs, mode, "pad")
    return pad_pairs(x, pairs, mode, value)


def check_padding(shape, pairs: Pairs, mode: str, name: str = "padding") -> None:
    """Raise unless ``mode`` can pad the last axes of ``shape`` by ``pairs``: torch's limits.

    'reflect' pads less than the axis, 'symmetric' and 'circular' at most the axis, and
    'circular' also at most what the crops leave (beyond, torch reads uninitialised memory:
    refused here). Crops may leave an empty axis, but for 'replicate' (as torch's 2-D and
    3-D pads; its 1-D reflection pad alone refuses an empty result).
    """
    shown = as_torch_tuple(pairs) if name == "pad" else pairs
    lead = len(shape) - len(pairs)
    for axis, (n, (lo, hi)) in enumerate(zip(shape[lead:], pairs), start=lead):
        kept, out = n - max(-lo, 0) - max(-hi, 0), n + lo + hi
        where = f"(input size {n} in padded axis {axis}) for mode {mode!r}"
        if n == 0 and mode != "constant" and (lo or hi):
            raise invalid(name, shown, f"no padding of an empty axis {where}")
        limit = {"reflect": n - 1, "symmetric": n, "circular": n}.get(mode)
        if limit is not None and max(lo, hi) > limit:
            raise invalid(name, shown, f"at most {limit} {where}")
        if out < 0 or (mode == "constant" and kept < 0):
            raise invalid(name, shown, f"a crop of at most the input size {where}")
        if mode == "circular" and out > 0 and max(lo, hi, 1) > kept:
            raise invalid(name, shown, f"at most {max(kept, 0)} after the crops {where}")
        if mode == "replicate" and out < 1:
            raise invalid(name, shown, f"padding that leaves at least one cell {where}")


def pad_pairs(x: np.ndarray, pairs: Pairs, mode="constant", value=0.0) -> np.ndarray:
    """Pad the last ``len(pairs)`` axes with ``(before, after)`` pairs in axis order.

    The padding must be valid for ``mode`` (:func:`check_padding`): this is the primitive
    the engine calls with a geometry's pads, already checked.
    """
    flat = sum(pairs, ())  # (lo, hi, lo, hi, ...)
    if not any(flat):
        return x
    lead = x.ndim - len(pairs)
    sizes = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pairs))
    if 0 in sizes:
        return np.empty(x.shape[:lead] + sizes, dtype=x.dtype)
    if min(flat) < 0:
        if mode in ("reflect", "replicate", "symmetric"):
            return _take(x, pairs, mode, lead)
        x = x[(Ellipsis, *(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in
                          zip(x.shape[lead:], pairs)))]  # fmt: skip
        pairs = tuple((max(lo, 0), max(hi, 0)) for lo, hi in pairs)
    if not any(p for pair in pairs for p in pair):
        return x
    if mode == "constant":
        return _pad_constant(x, pairs, value, lead)
    return np.pad(x, ((0, 0),) * lead + tuple(pairs), mode=_NUMPY_MODE[mode])


def _pad_constant(x: np.ndarray, pairs: Pairs, value, lead: int) -> np.ndarray:
    # Allocating and writing the interior is ~2x faster than np.pad for the large conv inputs.
    shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pairs))
    out = np.full(shape, value, dtype=x.dtype)
    out[(Ellipsis, *(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[lead:], pairs)))] = x
    return out


def _take(x: np.ndarray, pairs: Pairs, mode: str, lead: int) -> np.ndarray:
    """Pad (or crop) by gathering each padded axis through :func:`source_index`."""
    for axis, (lo, hi) in enumerate(pairs, start=lead):
        x = np.take(x, source_index(x.shape[axis], lo, hi, mode), axis=axis)
    return x


def source_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """``(lo + size + hi,)``: the input index each cell of an axis of ``size`` cells, padded
    by ``lo`` and ``hi``, copies (``-1`` for the fill value of 'constant'); any widths.

    Closed forms of the module table, periodic for any width: 'symmetric' repeats with
    period ``2 size``, 'reflect' with ``2 size - 2``, 'circular' with ``size``. Negative
    ``lo``/``hi`` start or stop inside the axis.
    """
    i = np.arange(-lo, size + hi)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    if mode == "circular":
        return i % size
    if mode == "constant":
        return np.where((i >= 0) & (i < size), i, -1)
    period = 2 * size if mode == "symmetric" else max(2 * size - 2, 1)
    m = i % period
    return np.where(m < size, m, period - 1 - m if mode == "symmetric" else period - m)


def as_torch_tuple(pairs: Pairs) -> tuple[int, ...]:
    """Pairs in axis order as torch's flat pad tuple, last axis first."""
    return tuple(p for pair in reversed(pairs) for p in pair)
