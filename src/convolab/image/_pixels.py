"""Pixel conversions: 8 bits, alpha over white, luminance, and a model's gray or RGB input.

One set of rules for every reader of images in convolab (the filters, ``predict``,
``inspect``, the folder data set), so that a model is trained and queried on the same pixels:

- 16-bit values are scaled to 8 bits, ``round(v / 257)`` (so 65535 is 255), not clipped as
  Pillow's ``convert('L')`` does; float images are taken as ``[0, 1]``;
- transparent pixels are composited over white, as an image viewer shows them (a digit drawn
  on a transparent canvas is black on white, not black on black);
- luminance is ITU-R BT.601 luma, computed exactly as Pillow's ``convert('L')``:
  ``L = (19595 R + 38470 G + 7471 B + 2**15) >> 16``, i.e. ``0.299 R + 0.587 G + 0.114 B``
  rounded.
"""

from __future__ import annotations

import numpy as np

from convolab._args import as_choice, invalid

MODES = ("L", "RGB")  # the layouts a model takes: gray (H, W) or colour (H, W, 3)
# Pillow's fixed-point BT.601 weights (libImaging/Convert.c, L24): they sum to 2**16.
_LUMA_WEIGHTS = (19595, 38470, 7471)
_LAYOUT = "an image array (H, W), (H, W, 2) gray+alpha, (H, W, 3) RGB or (H, W, 4) RGBA"


def _check(image) -> np.ndarray:
    image = np.asarray(image)
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (1, 2, 3, 4))):
        raise invalid("image", f"array of shape {image.shape}", _LAYOUT)
    if image.dtype != np.uint8 and image.dtype != np.uint16 and image.dtype.kind != "f":
        raise invalid("image", f"array of dtype {image.dtype}", "uint8, uint16 or float")
    return image[..., 0] if image.ndim == 3 and image.shape[2] == 1 else image


def to_uint8(image) -> np.ndarray:
    """``image`` in 8 bits: uint16 as ``round(v / 257)``, floats in [0, 1] times 255, rounded.

    Floats outside [0, 1] are clipped. uint8 images come back as they are.
    """
    image = _check(image)
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return ((image.astype(np.uint32) * 2 + 257) // 514).astype(np.uint8)  # round(v / 257)
    return np.rint(np.clip(image.astype(np.float64), 0.0, 1.0) * 255).astype(np.uint8)


def over_white(image) -> np.ndarray:
    """An 8-bit image with alpha (H, W, 2) or (H, W, 4) composited over white; else as is.

    ``out = round((c * a + 255 * (255 - a)) / 255)``: opaque pixels keep their colour,
    transparent ones become white.
    """
    image = to_uint8(image)
    if image.ndim == 2 or image.shape[2] in (1, 3):
        return image
    colour = image[..., :-1].astype(np.uint32)  # (H, W, 1 or 3)
    alpha = image[..., -1:].astype(np.uint32)  # (H, W, 1)
    mixed = (colour * alpha + 255 * (255 - alpha)) * 2 + 255  # twice the sum, +255: rounding
    out = (mixed // 510).astype(np.uint8)
    return out[..., 0] if out.shape[2] == 1 else out


def luminance(image) -> np.ndarray:
    """The gray version of an image: BT.601 luma of RGB, alpha kept; gray images as they are.

    ``(H, W, 3)`` gives ``(H, W)`` and ``(H, W, 4)`` gives ``(H, W, 2)`` (luma, alpha), in
    the image's dtype. For uint8 the result equals Pillow's ``convert('L')`` / ``('LA')``
    exactly; other dtypes get ``0.299 R + 0.587 G + 0.114 B`` (rounded for integers).
    """
    image = _check(image)
    if image.ndim == 2 or image.shape[2] == 2:
        return image
    if image.dtype == np.uint8:
        r, g, b = (image[..., c].astype(np.uint32) for c in range(3))  # (H, W) each
        w_r, w_g, w_b = _LUMA_WEIGHTS
        luma = ((w_r * r + w_g * g + w_b * b + 2**15) >> 16).astype(np.uint8)
    else:
        luma = image[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
        if image.dtype.kind == "u":
            luma = np.rint(luma)
        luma = luma.astype(image.dtype)
    return luma if image.shape[2] == 3 else np.stack([luma, image[..., 3]], axis=-1)


def convert_mode(image, mode: str) -> np.ndarray:
    """``image`` as a model's input: uint8 ``(H, W)`` for ``'L'``, ``(H, W, 3)`` for ``'RGB'``.

    8 bits first (:func:`to_uint8`), alpha over white (:func:`over_white`), then gray
    images repeated to RGB or RGB reduced to its luminance (:func:`luminance`).
    """
    as_choice(mode, "mode", MODES)
    flat = over_white(image)  # (H, W) or (H, W, 3) uint8
    if mode == "L":
        return luminance(flat)
    return flat if flat.ndim == 3 else np.repeat(flat[..., None], 3, axis=2)
