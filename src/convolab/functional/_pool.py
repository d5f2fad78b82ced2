"""Max and average pooling, and max unpooling, with PyTorch's rules.

Sizes come from :func:`convolab.shape.pool_geometry` (``ceil_mode`` included). Windows that
``ceil_mode`` lets hang past the padded input read ``-inf`` (max) or ``0`` (average) there; the
average divides by the cells of each window inside the padded input
(``count_include_pad=True``) or inside the input itself (``False``), or by
``divisor_override``. Max pooling's indices follow torch: the flat index of the winner in its
``(N, C)`` plane of the input, the first of equal maxima in row-major window order, the last
NaN, and for a window of ``-inf`` its first cell inside the input.
"""

from __future__ import annotations

import math

import numpy as np

from convolab._args import as_int, invalid, is_int, is_sequence
from convolab.functional._checks import as_batched, shape_error
from convolab.functional._pad import pad_pairs
from convolab.functional._windows import windows_of
from convolab.shape import Geometry, pool_geometry, transpose_geometry


def _pool_input(ndim, input, kernel_size, stride, padding, dilation, ceil_mode):
    """The batched input, its geometry and the window view of its padded form (``-inf``)."""
    x, unbatched = as_batched(input, ndim)
    geometry = pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode,
                             ndim=ndim)  # fmt: skip
    return x, unbatched, geometry


def _padded_windows(x, geometry: Geometry, fill) -> np.ndarray:
    """``(N, C, *out, *k)`` windows of ``x`` padded by the pads and the ceil-mode overhang."""
    pairs = tuple((lo, hi + extra) for (lo, hi), extra in zip(geometry.pads, geometry.overhang))
    return windows_of(pad_pairs(x, pairs, "constant", fill), geometry)


def _reduce(windows: np.ndarray, ndim: int, combine) -> np.ndarray:
    """Combine the kernel offsets of ``windows`` (N, C, *o, *k) one offset at a time."""
    kernel = windows.shape[2 + ndim :]
    result = windows[(Ellipsis, *(0,) * ndim)].copy()  # (N, C, *out)
    for index in list(np.ndindex(*kernel))[1:]:
        combine(result, windows[(Ellipsis, *index)], out=result)
    return result


def max_pool_nd(
    ndim, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
    return_indices=False,
):  # fmt: skip
    """Max pooling in ``ndim`` dimensions; see :func:`max_pool2d`."""
    x, unbatched, geometry = _pool_input(
        ndim, input, kernel_size, stride, padding, dilation, ceil_mode
    )
    windows = _padded_windows(x, geometry, -np.inf)  # (N, C, *out, *k)
    if return_indices:
        out, indices = _max_with_indices(windows, geometry)
        return (out[0], indices[0]) if unbatched else (out, indices)
    out = _reduce(windows, ndim, np.maximum)
    return out[0] if unbatched else out


def _max_with_indices(windows: np.ndarray, geometry: Geometry):
    """Maxima and their flat input indices, torch's ties: first maximum, last NaN."""
    ndim = geometry.ndim
    best = np.full(windows.shape[: 2 + ndim], -np.inf, dtype=windows.dtype)  # (N, C, *out)
    positions = [np.arange(o) * s - lo for o, s, (lo, _) in
                 zip(geometry.out, geometry.stride, geometry.pads)]  # fmt: skip
    index = np.zeros(geometry.out, dtype=np.int64)  # the first tap inside the input
    found = np.zeros(geometry.out, dtype=bool)
    for tap in np.ndindex(*geometry.kernel):
        cells = [p + t * d for p, t, d in zip(positions, tap, geometry.dilation)]  # per axis
        inside = _outer_all([(c >= 0) & (c < w) for c, w in zip(cells, geometry.size)])
        flat = _flat_index(cells, geometry.size)  # (*out)
        np.copyto(index, flat, where=inside & ~found)
        found |= inside
        value = windows[(Ellipsis, *tap)]  # (N, C, *out)
        better = inside & ((value > best) | np.isnan(value))
        np.copyto(best, value, where=better)
        index = np.where(better, flat, index)  # (N, C, *out) once any value wins
    return best, np.broadcast_to(index, best.shape).copy()


def _outer_all(masks: list[np.ndarray]) -> np.ndarray:
    """``masks[0][:, None, ...] & masks[1][None, :, ...] & ...``: ``(*out)``."""
    result = np.ones((), dtype=bool)
    for mask in masks:
        result = np.logical_and.outer(result, mask)
    return result


def _flat_index(cells: list[np.ndarray], size) -> np.ndarray:
    """Row-major flat index of the input cells ``cells`` per axis, as an outer grid."""
    flat = np.zeros((), dtype=np.int64)
    for c, w in zip(cells, size):
        flat = np.add.outer(flat * w, c)
    return flat


def max_unpool_nd(ndim, input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Max unpooling in ``ndim`` dimensions; see :func:`max_unpool2d`."""
    x, unbatched = as_batched(input, ndim)
    idx = np.asarray(indices)
    if idx.shape != np.shape(input) or idx.dtype.kind not in "iu":
        raise shape_error("indices", idx.shape, f"integers of input's shape {np.shape(input)}")
    size = _unpool_size(x.shape[2:], kernel_size, stride, padding, output_size, ndim)
    plane = math.prod(size)
    flat_idx = idx.reshape(*x.shape[:2], -1)
    if plane and flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= plane):
        raise invalid("indices", f"values in [{flat_idx.min()}, {flat_idx.max()}]",
                      f"indices below the output plane's {plane} cells (size {size})")  # fmt: skip
    out = np.zeros((*x.shape[:2], plane), dtype=x.dtype)
    if plane:  # an empty plane takes nothing (torch does not check the indices then)
        np.put_along_axis(out, flat_idx, x.reshape(*x.shape[:2], -1), axis=2)
    out = out.reshape(*x.shape[:2], *size)
    return out[0] if unbatched else out


def _unpool_size(size, kernel_size, stride, padding, output_size, ndim) -> tuple[int, ...]:
    """torch's default, the transposed convolution's size ``(W - 1)*s - 2p + k``, or
    ``output_size`` within a stride of it."""
    if stride is None or (is_sequence(stride) and len(stride) == 0):
        stride = kernel_size
    geometry = transpose_geometry(size, kernel_size, stride, padding, ndim=ndim, min_size=0)
    default, stride = geometry.out, geometry.stride
    if output_size is None:
        return default
    if not is_sequence(output_size) or not all(is_int(v) for v in output_size):
        raise invalid("output_size", output_size, f"a tuple of {ndim} ints")
    wanted = tuple(int(v) for v in output_size)[-ndim:]
    for dim, (o, d, s) in enumerate(zip(wanted, default, stride)):
        if not d - s < o < d + s or len(wanted) != ndim:
            raise invalid("output_size", output_size,
                          f"sizes within a stride of {default} (dimension {dim}: "
                          f"{d - s + 1} to {d + s - 1})")  # fmt: skip
    return wanted


def _window_counts(geometry: Geometry, inside_padding: bool) -> np.ndarray:
    """Cells each window covers inside the input (or the symmetrically padded input)."""
    counts = np.ones((), dtype=np.float64)
    for w, k, s, o, (lo, _) in zip(
        geometry.size, geometry.kernel, geometry.stride, geometry.out, geometry.pads
    ):
        starts = np.arange(o) * s - lo  # first cell of each window, input coordinates
        first, last = (-lo, w + lo) if inside_padding else (0, w)
        per_axis = np.minimum(starts + k, last) - np.maximum(starts, first)  # (o,)
        counts = np.multiply.outer(counts, per_axis)
    return counts  # (*out)


def avg_pool_nd(
    ndim,
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """Average pooling in ``ndim`` dimensions; see :func:`avg_pool2d`."""
    x, unbatched, geometry = _pool_input(ndim, input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        divisor = as_int(divisor_override, "divisor_override")
        if divisor == 0:
            raise invalid("divisor_override", divisor_override, "a non-zero int")
    with np.errstate(all="ignore"):
        total = _reduce(_padded_windows(x, geometry, 0.0), ndim, np.add)  # (N, C, *out)
        if divisor_override is None:
            divisor = _window_counts(geometry, bool(count_include_pad))
        total /= np.asarray(divisor, dtype=total.dtype)
    return total[0] if unbatched else total
