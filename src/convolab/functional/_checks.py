"""Array checks shared by every entry point of the engine: dtypes, ranks and batching.

Arrays are validated once, at the public function, and the code below only ever sees a
float32 or float64 array with a batch axis: ``(N, C, *spatial)``.
"""

from __future__ import annotations

import numpy as np

from convolab._args import as_choice, as_int, invalid

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
METHODS = ("auto", "gemm", "fft", "direct", "winograd")
PADDING_MODES = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}
LAYOUT = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def shape_error(name: str, shape: tuple, expected: str) -> ValueError:
    """The ValueError for an array of the wrong shape: names the array and both shapes."""
    return ValueError(f"{name} must be {expected}, got shape {tuple(shape)}")


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float32/float64 array: other real dtypes become float64.

    Raises ``TypeError`` for complex, string and object arrays, which the engine does not
    handle.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be a real numeric array (bool, int or float), got an array of "
            f"dtype {array.dtype}"
        )
    if array.dtype in FLOAT_DTYPES:
        return array
    return array.astype(np.float64)


def common_dtype(*arrays) -> np.dtype:
    """float32 only when every array is float32, else float64."""
    return np.result_type(*(a.dtype for a in arrays if a is not None))


def as_batched(value, ndim: int, name: str = "input") -> tuple[np.ndarray, bool]:
    """A ``(N, C, *spatial)`` float array and whether the caller's input had no batch axis."""
    array = as_float_array(value, name)
    if array.ndim not in (ndim + 1, ndim + 2):
        layout = LAYOUT[ndim]
        expected = f"a {ndim + 1}-D or {ndim + 2}-D array {layout.replace('N, ', '')} or {layout}"
        raise shape_error(name, array.shape, expected)
    unbatched = array.ndim == ndim + 1
    return (array[None] if unbatched else array), unbatched


def as_weight(value, ndim: int, name: str = "weight") -> np.ndarray:
    """A float weight of rank ``ndim + 2``: ``(C_out, C_in / groups, *kernel)``."""
    weight = as_float_array(value, name)
    if weight.ndim != ndim + 2:
        raise shape_error(
            name, weight.shape, f"a {ndim + 2}-D array (C_out, C_in / groups, *kernel)"
        )
    return weight


def as_bias(value, channels: int) -> np.ndarray | None:
    """``None`` or a 1-D float bias with one entry per output channel."""
    if value is None:
        return None
    bias = as_float_array(value, "bias")
    if bias.shape != (channels,):
        raise shape_error("bias", bias.shape, f"a 1-D array of {channels} values (C_out,)")
    return bias


def check_groups(groups, in_channels: int, out_channels: int, weight_in: int) -> int:
    """Validate ``groups`` against the channel counts, torch's three conditions."""

    groups = as_int(groups, "groups", minimum=1)
    if in_channels % groups:
        raise invalid("groups", groups, f"a divisor of the input channels {in_channels}")
    if out_channels % groups:
        raise invalid("groups", groups, f"a divisor of the output channels {out_channels}")
    if in_channels != groups * weight_in:
        raise invalid(
            "input.shape[1]",
            in_channels,
            f"groups * weight.shape[1] = {groups} * {weight_in} = {groups * weight_in}",
        )
    return groups


def check_transpose_groups(groups, in_channels: int, weight_out: int) -> int:
    """Validate ``groups`` for a transposed convolution, weight ``(C_in, C_out / groups, *k)``."""
    groups = as_int(groups, "groups", minimum=1)
    if in_channels != weight_out:
        raise invalid("input.shape[1]", in_channels, f"weight.shape[0] = {weight_out}")
    if in_channels % groups:
        raise invalid("groups", groups, f"a divisor of the input channels {in_channels}")
    return groups


def as_method(method) -> str:
    """One of the engine's methods, else a ValueError listing them."""
    return as_choice(method, "method", METHODS)


def as_padding_mode(mode) -> str:
    """A conv ``padding_mode`` (torch's names) as the name :func:`pad` uses."""
    return PADDING_MODES[as_choice(mode, "padding_mode", tuple(PADDING_MODES))]


def unbatch(result: np.ndarray, unbatched: bool) -> np.ndarray:
    """Drop the batch axis added by :func:`as_batched`."""
    return result[0] if unbatched else result
