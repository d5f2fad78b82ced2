"""Boundary modes named as in ``scipy.ndimage``, realised with :func:`convolab.functional.pad`.

============ ============================ ====================================
mode         ``[a b c d]`` extended by 2   convolab.functional.pad (torch) mode
============ ============================ ====================================
reflect      ``b a | a b c d | d c``       symmetric
mirror       ``c b | a b c d | c b``       reflect
nearest      ``a a | a b c d | d d``       replicate
wrap         ``c d | a b c d | a b``       circular
constant     ``k k | a b c d | k k``       constant (``k = cval``)
============ ============================ ====================================

Unlike ``torch.nn.functional.pad``, scipy's modes extend periodically for any width, which a
kernel larger than the image needs: :func:`pad_image` gets there by padding repeatedly by one
full period, so each new border falls on a mirror (or wrap) axis of the original.
"""

from __future__ import annotations

import numpy as np

from convolab.functional import pad

MODES = ("reflect", "constant", "nearest", "mirror", "wrap")
_PAD_MODE = {
    "reflect": "symmetric",
    "mirror": "reflect",
    "nearest": "replicate",
    "wrap": "circular",
    "constant": "constant",
}
# Widest pad functional.pad allows in one call for an axis of size n (torch's limits).
_LIMIT = {"symmetric": lambda n: n, "reflect": lambda n: n - 1, "circular": lambda n: n}


def pad_image(
    x: np.ndarray, pads: tuple[tuple[int, int], tuple[int, int]], mode: str, cval: float = 0.0
) -> np.ndarray:
    """Extend axes 0 and 1 of a channel-last ``(H, W, C)`` array by ``((top, bottom), (left,
    right))``.

    ``mode`` is a scipy.ndimage name (see the module table); any widths are allowed.
    """
    (top, bottom), (left, right) = pads
    torch_mode = _PAD_MODE[mode]
    if torch_mode in ("constant", "replicate") or _fits(x.shape[:2], pads, torch_mode):
        return pad(x, (0, 0, left, right, top, bottom), mode=torch_mode, value=cval)
    x = _pad_axis(x, top, bottom, torch_mode, axis=0)
    return _pad_axis(x, left, right, torch_mode, axis=1)


def source_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """``(lo + size + hi,)``: the index of the sample each position of an axis of ``size``
    samples, extended by ``lo`` and ``hi``, copies (``-1`` for ``cval`` in 'constant').

    Closed forms of the module table, periodic for any width: 'reflect' repeats with period
    ``2 size``, 'mirror' with ``2 size - 2``, 'wrap' with ``size``.
    """
    i = np.arange(-lo, size + hi)
    if mode == "nearest":
        return np.clip(i, 0, size - 1)
    if mode == "wrap":
        return i % size
    if mode == "constant":
        return np.where((i >= 0) & (i < size), i, -1)
    period = 2 * size if mode == "reflect" else max(2 * size - 2, 1)
    m = i % period
    return np.where(m < size, m, period - 1 - m if mode == "reflect" else period - m)


def _fits(sizes, pads, torch_mode: str) -> bool:
    return all(max(p) <= _LIMIT[torch_mode](n) for n, p in zip(sizes, pads))


def _pad_axis(x: np.ndarray, lo: int, hi: int, torch_mode: str, axis: int) -> np.ndarray:
    """Pad one axis by any widths: whole periods first, then the rest, then crop overshoot."""
    if x.shape[axis] == 1:  # every periodic extension of one sample is that sample
        torch_mode = "replicate"
    while torch_mode != "replicate" and max(lo, hi) > _LIMIT[torch_mode](x.shape[axis]):
        step = _LIMIT[torch_mode](x.shape[axis])
        x = pad(x, _widths(step, step, axis), mode=torch_mode)
        lo, hi = lo - step, hi - step
    x = pad(x, _widths(max(lo, 0), max(hi, 0), axis), mode=torch_mode)
    keep = slice(max(-lo, 0), x.shape[axis] - max(-hi, 0))
    return x[keep] if axis == 0 else x[:, keep]


def _widths(lo: int, hi: int, axis: int) -> tuple[int, ...]:
    """A functional.pad tuple (last axis first) padding only ``axis`` (0 or 1) of (H, W, C)."""
    return (0, 0, lo, hi) if axis == 1 else (0, 0, 0, 0, lo, hi)
