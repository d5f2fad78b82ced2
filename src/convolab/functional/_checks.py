"""Array checks at the engine's entry points: dtypes, ranks, batching, channels and groups.

Arrays are validated once, at the public function; the code below only ever sees float32 or
float64 arrays with a batch axis, ``(N, C, *spatial)``. Like torch, the batch may be empty
and, for convolutions, so may the channels; spatial axes may not.
"""

from __future__ import annotations

import numpy as np

from convolab._args import InvalidTypeError, InvalidValueError, as_choice, as_int, invalid
from convolab.functional._pad import CONV_MODES

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
METHODS = ("auto", "gemm", "fft", "direct", "winograd", "toeplitz")
LAYOUT = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def shape_error(name: str, shape: tuple, expected: str) -> InvalidValueError:
    """The error for an array of the wrong shape: names the array and both shapes."""
    return InvalidValueError(f"{name} must be {expected}, got shape {tuple(shape)}")


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float32/float64 array: other real dtypes become float64.

    Raises ``TypeError`` for complex, string and object arrays, which the engine does not
    handle.
    """
    array = value if type(value) is np.ndarray else np.asarray(value)
    if array.dtype in FLOAT_DTYPES:
        return array
    if array.dtype.kind not in "biuf":
        raise InvalidTypeError(
            f"{name} must be a real numeric array (bool, int or float), got an array of "
            f"dtype {array.dtype}"
        )
    return array.astype(np.float64)


def as_batched(value, ndim: int, name: str = "input", empty_channels=False):
    """A ``(N, C, *spatial)`` float array and whether the caller's input had no batch axis.

    ``N`` may be 0; ``C`` only with ``empty_channels`` (convolutions, as torch); the
    spatial axes only then, when ``N`` or ``C`` is 0.
    """
    array = as_float_array(value, name)
    if array.ndim not in (ndim + 1, ndim + 2):
        layout = LAYOUT[ndim]
        expected = f"a {ndim + 1}-D or {ndim + 2}-D array {layout.replace('N, ', '')} or {layout}"
        raise shape_error(name, array.shape, expected)
    unbatched = array.ndim == ndim + 1
    batched = array[None] if unbatched else array
    empty = batched.shape[0] == 0 or batched.shape[1] == 0
    if (0 in batched.shape[2:] and not (empty and empty_channels)) or (
        batched.shape[1] == 0 and not empty_channels
    ):
        axes = "batch or channel axes" if empty_channels else "batch axis"
        raise shape_error(name, array.shape, f"an array whose axes are non-empty but the {axes}")
    return batched, unbatched


def as_weight(value, ndim: int, name: str = "weight") -> np.ndarray:
    """A float weight of rank ``ndim + 2``: ``(C_out, C_in / groups, *kernel)``."""
    weight = as_float_array(value, name)
    if weight.ndim != ndim + 2:
        raise shape_error(
            name, weight.shape, f"a {ndim + 2}-D array (C_out, C_in / groups, *kernel)"
        )
    if 0 in weight.shape[2:] or weight.shape[0] == 0:
        raise shape_error(name, weight.shape, "an array whose axes are non-empty but the second")
    return weight


def as_bias(value, channels: int) -> np.ndarray | None:
    """``None`` or a 1-D float bias with one entry per output channel."""
    if value is None:
        return None
    bias = as_float_array(value, "bias")
    if bias.shape != (channels,):
        raise shape_error("bias", bias.shape, f"a 1-D array of {channels} values (C_out,)")
    return bias


def conv_arrays(ndim: int, input, weight, bias):
    """``(x, w, b, unbatched, integers)`` for a convolution: batched input, weight and bias
    of one float dtype (float32 only when all three are), and whether all three held
    integers (exact sums are then kept, see :func:`._conv.correlate`).

    The checks of :func:`as_batched`, :func:`as_weight` and :func:`as_bias`, with float
    arrays of the right ranks passing without further calls (this runs on every layer call).
    """
    x = input if type(input) is np.ndarray else np.asarray(input)
    w = weight if type(weight) is np.ndarray else np.asarray(weight)
    b = bias if bias is None or type(bias) is np.ndarray else np.asarray(bias)
    integers = x.dtype.kind in "biu" and w.dtype.kind in "biu" and integer_kind(b)
    if x.dtype not in FLOAT_DTYPES or x.ndim != ndim + 2 or 0 in x.shape[2:]:
        x, unbatched = as_batched(x, ndim, empty_channels=True)
    else:
        unbatched = False
    if w.dtype not in FLOAT_DTYPES or w.ndim != ndim + 2 or 0 in w.shape[2:] or not len(w):
        w = as_weight(w, ndim)
    if b is not None and (b.dtype not in FLOAT_DTYPES or b.shape != w.shape[:1]):
        b = as_bias(b, w.shape[0])
    dtype = x.dtype if x.dtype == w.dtype and (b is None or b.dtype == x.dtype) else np.float64
    if x.dtype != dtype:
        x = x.astype(dtype)
    if w.dtype != dtype:
        w = w.astype(dtype)
    if b is not None and b.dtype != dtype:
        b = b.astype(dtype)
    return x, w, b, unbatched, integers


def integer_kind(value) -> bool:
    """Whether ``value`` is None or an array (or array-like) of bool or int dtype."""
    return value is None or np.asarray(value).dtype.kind in "biu"


def common_dtype(*arrays) -> np.dtype:
    """float32 only when every array is float32, else float64."""
    return np.result_type(*(a.dtype for a in arrays if a is not None))


def check_groups(groups, in_channels: int, out_channels: int, weight_in: int) -> int:
    """Validate ``groups`` against the channel counts, torch's three conditions."""
    if type(groups) is not int or groups < 1:
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
    """One of the engine's methods, else an error listing them."""
    return method if method in METHODS else as_choice(method, "method", METHODS)


def as_padding_mode(mode) -> str:
    """A conv ``padding_mode`` (torch's names) as the mode name :func:`pad` uses."""
    if type(mode) is str and mode in CONV_MODES:
        return CONV_MODES[mode]
    return CONV_MODES[as_choice(mode, "padding_mode", tuple(CONV_MODES))]
