"""Filter responses made viewable, and the labelled side-by-side comparison grid.

A blur or sharpen response is an image already (its kernel sums to 1): it is clipped. A
derivative response (Sobel, Laplacian, emboss: kernels summing to 0) is signed and mostly
near 0, so it is shown around mid-grey, ``0.5 + 0.5 r / s``; an edge magnitude is >= 0 and
shown as ``r / s``. ``s`` is the 99.5th percentile of ``|r|``, so a few strong edges do not
leave the rest black.
"""

from __future__ import annotations

import math

import numpy as np

from convolab.image._filter import check_image, correlate_image
from convolab.image._kernels import build_kernels, kernel_info

PERCENTILE = 99.5
TILE_WIDTH = 384  # grid tiles are scaled to this width
_WHITE = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}


def to_display(response: np.ndarray, kind: str, white: float = 1.0) -> np.ndarray:
    """A float response as uint8 for viewing; ``kind`` is 'image', 'signed' or 'magnitude'.

    ``white`` is the image's full-scale value (255 for uint8 images, 1.0 for float). For a
    uint8 image, 'image' responses come out exactly as ``filter_image`` rounds them.
    """
    r = np.asarray(response, dtype=np.float64) * (255.0 / white)  # 0..255, exact for uint8
    if kind != "image":
        spread = np.percentile(np.abs(r), PERCENTILE)
        spread = spread if spread > 0 else 1.0
        r = 127.5 + 127.5 * r / spread if kind == "signed" else 255.0 * r / spread
    return np.clip(np.rint(r), 0, 255).astype(np.uint8)


def display_kernel(
    image, name: str, mode: str = "reflect", cval: float = 0.0, *, convolve: bool = False, **params
) -> np.ndarray:
    """Apply bank kernel ``name`` and scale the result for viewing (uint8, alpha kept)."""
    image = check_image(image)
    kernels = build_kernels(name, **params)
    responses = [correlate_image(image, k, mode, cval, convolve=convolve) for k in kernels]
    response = responses[0] if len(responses) == 1 else np.hypot(*responses)
    shown = to_display(response, kernel_info(name).response, _WHITE.get(image.dtype, 1.0))
    if image.ndim == 3 and image.shape[2] in (2, 4):  # alpha back, in 8 bits
        alpha = to_display(image[..., -1:], "image", _WHITE.get(image.dtype, 1.0))
        shown = np.concatenate([shown, alpha], axis=-1)
    return shown


def compare_grid(tiles: list[tuple[str, np.ndarray]], columns: int | None = None) -> np.ndarray:
    """Labelled tiles side by side as one RGB uint8 image.

    Parameters
    ----------
    tiles : list of (label, uint8 image)
        Images of one size, gray or RGB(A) (alpha is dropped).
    columns : int, optional
        Tiles per row; default ``ceil(sqrt(n))`` up to 4.
    """
    from PIL import Image, ImageDraw, ImageFont

    columns = columns or min(4, math.ceil(math.sqrt(len(tiles))))
    rows = math.ceil(len(tiles) / columns)
    pictures = [_rgb(Image, array) for _, array in tiles]
    width = min(TILE_WIDTH, pictures[0].width)
    height = round(pictures[0].height * width / pictures[0].width)
    label_h, gap = max(18, width // 14), 4
    font = ImageFont.load_default(size=label_h - 6)
    grid = Image.new(
        "RGB", (columns * (width + gap) + gap, rows * (height + label_h + gap) + gap), "white"
    )
    draw = ImageDraw.Draw(grid)
    for n, ((label, _), picture) in enumerate(zip(tiles, pictures)):
        x = gap + (n % columns) * (width + gap)
        y = gap + (n // columns) * (height + label_h + gap)
        draw.text((x + 4, y + 2), label, fill="black", font=font)
        grid.paste(picture.resize((width, height), Image.Resampling.LANCZOS), (x, y + label_h))
    return np.asarray(grid)


def _rgb(image_module, array: np.ndarray):
    array = array[..., 0] if array.ndim == 3 and array.shape[2] in (1, 2) else array
    array = array[..., :3] if array.ndim == 3 else array
    return image_module.fromarray(array).convert("RGB")
