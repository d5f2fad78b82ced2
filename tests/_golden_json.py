"""Comparing a committed golden JSON file with what Python answers now (the visualizer's and
the explain page's golden vectors for their JavaScript)."""

from __future__ import annotations

import base64
import math

import numpy as np


def _float32s(text: str) -> np.ndarray | None:
    """A base64 float32 array (the explain page's encoding), or None for other text."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return np.frombuffer(raw, "<f4") if len(raw) % 4 == 0 else None


def differences(committed, fresh, tolerance: float, where: str = "") -> list[str]:
    """Where two JSON values differ: exactly for structure, ints and text, to ``tolerance``
    for floats and for base64 float32 arrays."""
    if isinstance(committed, dict) and isinstance(fresh, dict):
        if committed.keys() != fresh.keys():
            return [f"{where}: keys {sorted(committed)} != {sorted(fresh)}"]
        return [
            d
            for k in committed
            for d in differences(committed[k], fresh[k], tolerance, f"{where}.{k}")
        ]
    if isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            return [f"{where}: {len(committed)} items != {len(fresh)}"]
        pairs = enumerate(zip(committed, fresh))
        return [d for i, (a, b) in pairs for d in differences(a, b, tolerance, f"{where}[{i}]")]
    if isinstance(committed, float) or isinstance(fresh, float):
        close = math.isclose(committed, fresh, rel_tol=tolerance, abs_tol=tolerance)
        return [] if close else [f"{where}: {committed!r} != {fresh!r}"]
    if isinstance(committed, str) and isinstance(fresh, str) and committed != fresh:
        a, b = _float32s(committed), _float32s(fresh)
        if a is not None and b is not None and a.shape == b.shape:
            close = np.allclose(a, b, rtol=tolerance, atol=tolerance)
            return [] if close else [f"{where}: float32 arrays differ"]
    return [] if committed == fresh else [f"{where}: {committed!r} != {fresh!r}"]
