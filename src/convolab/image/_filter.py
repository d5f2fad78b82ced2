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
"""

from __future__ import annotations

import math

import numpy as np

from convolab._args import as_choice, invalid, wrong_type
from convolab.image._boundary import MODES, pad_image
from convolab.image._kernels import build_kernels
from convolab.image._methods import METHODS, choose_method, correlate_planes, separable_factors

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
    method : {'auto', 'separable', 'direct', 'fft'}
        ``'auto'`` picks the cheapest; 'separable' needs a rank-1 kernel.

    Returns
    -------
    ndarray, same shape and dtype as ``image``
        Computed in float64 (float32 for float32 and float16 input); integers are rounded
        half to even and saturated to the dtype's range, never wrapped around.

    Examples
    --------
    >>> img = np.zeros((5, 5)); img[2, 2] = 1.0
    >>> filter_image(img, [[0, 1, 0], [1, 0, 0], [0, 0, 0]])[1:4, 1:4]
    array([[0., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    image = check_image(image)
    response = correlate_image(image, kernel, mode, cval, convolve=convolve, method=method)
    return to_image_dtype(response, image)


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
    image: np.ndarray,
    kernel,
    mode: str = "reflect",
    cval: float = 0.0,
    *,
    convolve: bool = False,
    method: str = "auto",
) -> np.ndarray:
    """The float response of the colour channels, ``(H, W)`` or ``(H, W, C')``, unrounded."""
    kernel = check_kernel(kernel)
    mode = as_choice(mode, "mode", MODES)
    method = as_choice(method, "method", METHODS)
    cval = _check_cval(cval)
    if not isinstance(convolve, (bool, np.bool_)):
        raise wrong_type("convolve", convolve, "a bool")
    if convolve:
        kernel = kernel[::-1, ::-1]  # then correlate, anchored at the mirrored element
    planes = _planes(image)  # (C', H, W)
    padded = pad_image(planes, anchor_padding(kernel.shape, flipped=convolve), mode, cval)
    factors = separable_factors(kernel) if method in ("auto", "separable") else None
    if method == "separable" and factors is None:
        raise invalid("method", method, "'auto', 'direct' or 'fft' for a kernel of rank > 1")
    if method == "auto":
        method = choose_method(kernel.shape, padded.shape[-2:], factors is not None)
    kernel = kernel.astype(planes.dtype)
    factors = factors and tuple(f.astype(planes.dtype) for f in factors)
    out = correlate_planes(padded, kernel, method, factors)  # (C', H, W)
    return out[0] if image.ndim == 2 else np.moveaxis(out, 0, -1)


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
    if image.dtype not in _INTEGER and image.dtype not in _FLOATS:
        raise TypeError(
            f"image must be an array of dtype uint8, uint16 or float, got an array "
            f"of dtype {image.dtype}"
        )
    layout_ok = image.ndim == 2 or (image.ndim == 3 and 1 <= image.shape[2] <= 4)
    if not layout_ok or image.size == 0:
        raise ValueError(f"image must be a non-empty {IMAGE_LAYOUT}, got shape {image.shape}")
    return image


def check_kernel(kernel) -> np.ndarray:
    """``kernel`` as a finite, non-empty 2-D float64 array, or a clear error."""
    array = np.asarray(kernel)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"kernel must be a real numeric 2-D array, got an array of dtype {array.dtype}"
        )
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("kernel must be finite, got NaN or infinite entries")
    return array.astype(np.float64)


def _check_cval(cval) -> float:
    if isinstance(cval, bool) or not isinstance(cval, (int, float, np.integer, np.floating)):
        raise wrong_type("cval", cval, "a finite number")
    if not math.isfinite(cval):
        raise invalid("cval", cval, "a finite number")
    return float(cval)


def _has_alpha(image: np.ndarray) -> bool:
    return image.ndim == 3 and image.shape[2] in (2, 4)


def _planes(image: np.ndarray) -> np.ndarray:
    """Colour channels first, in the working float dtype: ``(C', H, W)``."""
    work = np.float32 if image.dtype in (np.float16, np.float32) else np.float64
    color = image[..., :-1] if _has_alpha(image) else image
    moved = color[None] if color.ndim == 2 else np.moveaxis(color, -1, 0)  # (C', H, W)
    return np.ascontiguousarray(moved, dtype=work)


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
