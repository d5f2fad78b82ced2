"""``filter_image``: one 2-D kernel over a grayscale, RGB or RGBA image, like scipy.ndimage.

Conventions (those of ``scipy.ndimage.correlate`` / ``convolve`` with ``origin=0``):

- **Correlation** (default, also ``cv2.filter2D``):
  ``out[y, x] = sum_ij K[i, j] in[y + i - kh // 2, x + j - kw // 2]``.
- **Convolution** (``convolve=True``):
  ``out[y, x] = sum_ij K[i, j] in[y - i + kh // 2, x - j + kw // 2]``,
  i.e. correlation with the kernel flipped on both axes.
- **Anchor**: the kernel element ``K[kh // 2, kw // 2]`` sits on the output pixel in both cases.
  For odd sizes that is the centre; for even sizes it is the element just past the middle
  (``K[1, 1]`` of a 2x2), which is OpenCV's default ``anchor=(-1, -1)`` for correlation.
- **Boundaries**: :data:`MODES`, named and extended exactly as in ``scipy.ndimage``.

This module keeps the image's side: dtype policy (the working precision, exact integer
rounding), channels and alpha; the convolution itself runs on the engine's plane methods
(:mod:`convolab.functional._planes`), picked by its cost model.
"""

from __future__ import annotations

import math

import numpy as np

from convolab._args import InvalidTypeError, InvalidValueError, as_choice, invalid, wrong_type
from convolab.functional._cost import choose_plane_method
from convolab.functional._pad import SCIPY_MODES
from convolab.functional._planes import (
    PLANE_METHODS,
    correlate_planes,
    plane_counts,
    separable_factors,
)
from convolab.functional._source import PaddedSource
from convolab.image._kernels import build_kernels
from convolab.image._rounding import RoundingStore
from convolab.image._ties import (
    TIE_BUDGET,
    exact_sums,
    fft_error_terms,
    tie_free,
    tie_tolerance,
)

MODES = tuple(SCIPY_MODES)  # scipy.ndimage's boundary names
METHODS = PLANE_METHODS
_INTEGER = {np.dtype(np.uint8): 255, np.dtype(np.uint16): 65535}
_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
IMAGE_LAYOUT = "(H, W) grayscale, (H, W, C) with C in 1..4 (2 = gray+alpha, 4 = RGBA)"


def filter_image(
    image,
    kernel,
    mode: str = "reflect",
    cval: float = 0.0,
    *,
    convolve: bool = False,
    method: str = "auto",
) -> np.ndarray:
    """Filter ``image`` with a 2-D ``kernel``, channel by channel, keeping its dtype.

    Parameters
    ----------
    image : ndarray, shape ``(H, W)`` or ``(H, W, C)``, ``C`` in 1..4
        uint8, uint16 or float. With ``C == 2`` or ``4`` the last channel is alpha and is
        returned untouched.
    kernel : array_like, shape ``(kh, kw)``
        Any non-empty, finite 2-D kernel; even sizes are anchored at ``(kh // 2, kw // 2)``.
    mode : {'reflect', 'constant', 'nearest', 'mirror', 'wrap'}
        How the image is extended past its border, as in ``scipy.ndimage``.
    cval : float
        The value outside the image for ``mode='constant'``, in the image's units.
    convolve : bool
        True for true convolution (kernel flipped), False for correlation (see module notes).
    method : {'auto', 'direct', 'banded', 'fft'}
        'direct': one multiply-add pass per tap; 'banded': blocks of outputs as matrix
        products; 'fft': spectra. Rank-1 kernels run as two 1-D passes in 'direct' and
        'banded'. ``'auto'`` asks the engine's cost model (``convolab.functional._cost``).

    Returns
    -------
    ndarray, same shape and dtype as ``image``
        Computed in float64, or float32 for float32/float16 images and for uint8 ones when
        few outputs fall near a rounding tie: those are recomputed in float64
        (:mod:`convolab.image._ties`), so integer results equal the float64 sum rounded half
        to even, then saturated to the dtype's range (never wrapped around).

    Examples
    --------
    >>> img = np.zeros((5, 5)); img[2, 2] = 1.0
    >>> filter_image(img, [[0, 1, 0], [1, 0, 0], [0, 0, 0]])[1:4, 1:4]
    array([[0., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    image = check_image(image)
    result = np.empty_like(image)
    color = _color(result)
    top = _INTEGER.get(image.dtype)
    _correlate(image, kernel, mode, cval, convolve, method, _channels(color), top)
    if _has_alpha(image):
        result[..., -1] = image[..., -1]
    return result


def apply_kernel(
    image, name: str, mode: str = "reflect", cval: float = 0.0, *, convolve: bool = False, **params
) -> np.ndarray:
    """Apply a kernel of the bank by name, pairs included (``'edges'``: ``hypot(gx, gy)``).

    Same conventions and result as :func:`filter_image`; ``params`` go to the kernel.
    """
    image = check_image(image)
    kernels = build_kernels(name, **params)
    responses = [correlate_image(image, k, mode, cval, convolve=convolve) for k in kernels]
    response = responses[0] if len(responses) == 1 else np.hypot(*responses)
    return to_image_dtype(response, image)


def correlate_image(
    image,
    kernel,
    mode: str = "reflect",
    cval: float = 0.0,
    *,
    convolve: bool = False,
    method: str = "auto",
) -> np.ndarray:
    """The float response of the colour channels, ``(H, W)`` or ``(H, W, C')``, unrounded.

    float64 (float32 for float32 and float16 images); arguments as :func:`filter_image`.
    """
    image = check_image(image)
    color_shape = (*image.shape[:-1], image.shape[-1] - 1) if _has_alpha(image) else image.shape
    out = np.empty(color_shape, dtype=_work_dtype(image))
    _correlate(image, kernel, mode, cval, convolve, method, _channels(out))
    return out


def _correlate(
    image: np.ndarray, kernel, mode, cval, convolve, method, target, top: int | None = None
) -> None:
    """Check the arguments, pick the method and precision, and run the engine into ``target``.

    ``target``: ``(H, W, C')``; ``top``: its maximum, when it holds integers (rounded).
    """
    kernel = check_kernel(kernel)
    mode = as_choice(mode, "mode", MODES)
    method = as_choice(method, "method", METHODS)
    cval = _check_cval(cval)
    if not isinstance(convolve, (bool, np.bool_)):
        raise wrong_type("convolve", convolve, "a bool")
    if convolve:
        kernel = kernel[::-1, ::-1]  # then correlate, anchored at the mirrored element
    pads = anchor_padding(kernel.shape, flipped=convolve)
    source = PaddedSource(_channels(_color(image)), pads, SCIPY_MODES[mode], cval)
    factors = separable_factors(kernel) if method != "fft" else None
    counts = plane_counts(kernel, source.shape, factors is not None)
    if method == "auto":
        method = choose_plane_method(counts, math.prod(target.shape))
    work, tie_tol = _precision(
        image, kernel, method, factors, counts, source.shape[:2], top, mode, cval
    )
    store = None
    if top is not None:
        saturate = _saturates(kernel, top, mode, cval, tie_tol)
        store = RoundingStore(target, top, tie_tol, kernel, saturate)
    correlate_planes(source, kernel, method, work, target, store, factors)


def _precision(image, kernel, method, factors, counts, padded_shape, top, mode, cval):
    """Working dtype and tie tolerance: float32 for uint8 when few outputs need a re-check.

    ``None`` tolerance: no re-check (float output, sums exact by :func:`._ties.exact_sums`,
    or no tie within reach by :func:`._ties.tie_free`). The samples are bounded by ``top``,
    or ``|cval|`` where 'constant' adds a larger one, and are integers unless ``cval`` is
    not; a separable kernel's factors may miss the kernel by a residual, which adds its own
    error.
    """
    work = _work_dtype(image)
    if top is None:
        return work, None
    constant = mode == "constant"
    magnitude = max(top, abs(cval)) if constant else top
    integers = not constant or float(cval).is_integer()
    weights = list(factors) if factors is not None else [kernel]
    residual = np.abs(np.outer(*factors) - kernel).sum() if factors is not None else 0.0
    exact = method != "fft" and residual == 0 and integers
    if image.dtype == np.uint8 and exact and exact_sums(weights, np.float32, magnitude):
        return np.dtype(np.float32), None
    terms = fft_error_terms(padded_shape) if method == "fft" else counts[method]
    l1 = np.abs(kernel).sum()
    tol32 = tie_tolerance(terms, np.float32, magnitude, l1) + residual * magnitude
    if image.dtype == np.uint8:
        if integers and tie_free(kernel, magnitude, tol32):
            return np.dtype(np.float32), None
        if 2 * tol32 * kernel.size <= TIE_BUDGET:
            return np.dtype(np.float32), tol32
    if exact and exact_sums(weights, work, magnitude):
        return work, None
    tol = tie_tolerance(terms, work, magnitude, l1) + residual * magnitude
    return work, None if integers and tie_free(kernel, magnitude, tol) else tol


def _saturates(kernel: np.ndarray, top: int, mode: str, cval: float, tol: float | None) -> bool:
    """False when no rounded output can leave ``[0, top]``: non-negative weights summing to
    at most 1 (blurs), ``cval`` inside the range, and an error that stays below 0.5 there."""
    inside = mode != "constant" or 0 <= cval <= top
    peak = top * float(kernel.sum()) + (tol or 0.0)
    return not (inside and kernel.min() >= 0 and peak < top + 0.5)


def anchor_padding(kernel_shape: tuple[int, int], flipped: bool = False):
    """``((top, bottom), (left, right))`` putting ``K[kh // 2, kw // 2]`` on each pixel.

    For a kernel already flipped (convolution) the anchor element has moved to index
    ``k - 1 - k // 2``, so the two sides swap.
    """
    pads = tuple((k // 2, k - 1 - k // 2) for k in kernel_shape)
    return tuple((hi, lo) for lo, hi in pads) if flipped else pads


def check_image(image) -> np.ndarray:
    """``image`` as an ndarray of a supported layout and dtype, or a clear error."""
    if not isinstance(image, np.ndarray):
        image = np.asarray(image)
    if not image.dtype.isnative:  # e.g. big-endian samples from a TIFF: same values, native
        image = image.astype(image.dtype.newbyteorder("="))
    if image.dtype not in _INTEGER and image.dtype not in _FLOATS:
        raise InvalidTypeError(
            f"image must be an array of dtype uint8, uint16 or float, got an array "
            f"of dtype {image.dtype}"
        )
    layout_ok = image.ndim == 2 or (image.ndim == 3 and 1 <= image.shape[2] <= 4)
    if not layout_ok or image.size == 0:
        raise InvalidValueError(
            f"image must be a non-empty {IMAGE_LAYOUT}, got shape {image.shape}"
        )
    return image


def check_kernel(kernel) -> np.ndarray:
    """``kernel`` as a finite, non-empty 2-D float64 array, or a clear error."""
    array = np.asarray(kernel)
    if array.dtype.kind not in "biuf":
        raise InvalidTypeError(
            f"kernel must be a real numeric 2-D array, got an array of dtype {array.dtype}"
        )
    if array.ndim != 2 or array.size == 0:
        raise InvalidValueError(f"kernel must be a non-empty 2-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise InvalidValueError("kernel must be finite, got NaN or infinite entries")
    return array.astype(np.float64)


def _check_cval(cval) -> float:
    if isinstance(cval, bool) or not isinstance(cval, (int, float, np.integer, np.floating)):
        raise wrong_type("cval", cval, "a finite number")
    if not math.isfinite(cval):
        raise invalid("cval", cval, "a finite number")
    return float(cval)


def _has_alpha(image: np.ndarray) -> bool:
    return image.ndim == 3 and image.shape[2] in (2, 4)


def _work_dtype(image: np.ndarray) -> np.dtype:
    return np.dtype(np.float32 if image.dtype in (np.float16, np.float32) else np.float64)


def _color(image: np.ndarray) -> np.ndarray:
    """The colour channels, ``(H, W)`` or ``(H, W, C')``, a view."""
    return image[..., :-1] if _has_alpha(image) else image


def _channels(array: np.ndarray) -> np.ndarray:
    """``array`` channel-last ``(H, W, C)``, a view (``C = 1`` for a 2-D one)."""
    return array[..., None] if array.ndim == 2 else array


def to_image_dtype(response: np.ndarray, image: np.ndarray) -> np.ndarray:
    """``response`` (float, colour channels) in ``image``'s dtype, with its alpha put back."""
    result = np.empty_like(image)
    if image.dtype in _INTEGER:
        response = np.clip(np.rint(response), 0, _INTEGER[image.dtype])
    if _has_alpha(image):
        result[..., :-1] = response
        result[..., -1] = image[..., -1]
    else:
        result[...] = response
    return result
