"""Shared by the engine's tests: torch references, tolerances and random configurations.

The references call torch directly and compute TensorFlow's 'SAME' padding from its own
formula here, independently of convolab.shape, so the tests check the engine against
something it does not share code with.
"""

from __future__ import annotations

import zlib

import numpy as np
import torch
import torch.nn.functional as F

TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-4}
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
TORCH_MODE = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}


def seed_of(*parts) -> int:
    """A reproducible seed for a parametrized case (``hash`` of strings varies per run)."""
    return zlib.crc32(repr(parts).encode())


def t(a) -> torch.Tensor:
    """A float64 tensor of ``a`` (float32 data are exact in float64)."""
    return torch.from_numpy(np.asarray(a, dtype=np.float64).copy())


def assert_close(ours, ref, dtype=np.float64) -> None:
    """Same shape, dtype ``dtype``, max error <= tol relative to the reference's scale."""
    ref = np.asarray(ref.detach().numpy() if isinstance(ref, torch.Tensor) else ref)
    assert ours.dtype == np.dtype(dtype), (ours.dtype, dtype)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    scale = max(float(np.abs(ref).max(initial=0.0)), 1.0)
    err = float(np.abs(ours.astype(np.float64) - ref).max(initial=0.0))
    assert err <= TOL[np.dtype(dtype)] * scale, f"error {err} at scale {scale}"


def tf_same_pairs(size, kernel, stride, dilation):
    """TensorFlow 'SAME': out = ceil(W/s), total padding split with the odd cell after."""
    pairs = []
    for w, k, s, d in zip(size, kernel, stride, dilation):
        total = max((-(-w // s) - 1) * s + d * (k - 1) + 1 - w, 0)
        pairs.append((total // 2, total - total // 2))
    return tuple(pairs)


def explicit_pairs(padding, size, kernel, stride, dilation):
    """Any padding form as (lo, hi) pairs, computed in the test."""
    ndim = len(size)
    if padding == "valid":
        return ((0, 0),) * ndim
    if padding == "same":
        return tf_same_pairs(size, kernel, stride, dilation)
    if isinstance(padding, int):
        return ((padding, padding),) * ndim
    return tuple(p if isinstance(p, tuple) else (p, p) for p in padding)


def torch_pad(x: torch.Tensor, pairs, mode: str) -> torch.Tensor:
    """``x`` padded with per-axis pairs (last axes) in torch's last-axis-first order."""
    flat = [v for pair in reversed(pairs) for v in pair]
    if not any(flat):
        return x
    if mode == "zeros":
        return F.pad(x, flat)
    return F.pad(x, flat, mode=TORCH_MODE[mode])


def torch_conv(x, w, b, stride, padding, dilation, groups, padding_mode="zeros"):
    """torch's cross-correlation, padding applied by F.pad for every form but plain ints."""
    ndim = w.ndim - 2
    xt, wt = t(x), t(w)
    bt = None if b is None else t(b)
    unbatched = xt.ndim == ndim + 1
    xb = xt[None] if unbatched else xt
    if padding_mode == "zeros" and not isinstance(padding, str) and _symmetric(padding):
        out = CONV[ndim](xb, wt, bt, stride, padding, dilation, groups)
    else:
        pairs = explicit_pairs(
            padding, xb.shape[2:], wt.shape[2:], _tup(stride, ndim), _tup(dilation, ndim)
        )
        out = CONV[ndim](torch_pad(xb, pairs, padding_mode), wt, bt, stride, 0, dilation, groups)
    return out[0] if unbatched else out


def _symmetric(padding) -> bool:
    return isinstance(padding, int) or all(isinstance(p, int) for p in padding)


def _tup(v, ndim):
    return (v,) * ndim if isinstance(v, int) else tuple(v)


def random_conv_case(rng, ndim, *, stride=None, dilation=None, groups=None, even=False, batch=None):
    """Small random input, weight and bias for a conv with the given (or random) geometry."""
    groups = groups or int(rng.integers(1, 3))
    cg, og = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    kernel = tuple(
        int(rng.choice([2, 4])) if even else int(rng.integers(1, 4)) for _ in range(ndim)
    )
    stride = stride or tuple(int(v) for v in rng.integers(1, 3, ndim))
    dilation = dilation or tuple(int(v) for v in rng.integers(1, 3, ndim))
    size = tuple(
        int(rng.integers(d * (k - 1) + 2, d * (k - 1) + 6))
        for k, d in zip(kernel, _tup(dilation, ndim))
    )
    n = (int(rng.integers(1, 3)),) if batch is None else batch
    x = rng.standard_normal((*n, groups * cg, *size))
    w = rng.standard_normal((groups * og, cg, *kernel))
    b = rng.standard_normal(groups * og)
    return x, w, b, stride, dilation, groups
