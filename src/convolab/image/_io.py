"""Reading and writing images with Pillow: a pixel limit, clear errors, atomic writes.

:func:`read_image` is the one image reader of convolab: the filters, ``predict``, ``inspect``
and the folder data set all read through it, with the same pixel limit and the same rules for
16-bit, alpha and gray images (:mod:`convolab.image._pixels`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import warnings
from pathlib import Path

import numpy as np

from convolab._args import InputError, InvalidValueError, as_choice, as_int, invalid
from convolab._io import atomic_path
from convolab.image._pixels import MODES, convert_mode

# The size at which Pillow itself refuses an image (twice Image.MAX_IMAGE_PIXELS, where it
# starts to warn): a 10000 x 10000 photo passes, a decompression bomb does not.
DEFAULT_MAX_PIXELS = 178_956_970
FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".bmp": "BMP",
    ".webp": "WEBP",
}
SAMPLES = ("astronaut", "camera")
# Pillow modes read as they are; every other mode is converted to the one named here.
_KEEP = {"L", "LA", "RGB", "RGBA", "I;16", "F"}
_CONVERT = {
    "1": "L",
    "P": "RGB",
    "PA": "RGBA",
    "I": "F",
    "I;16B": "I;16",
    "I;16L": "I;16",
    "CMYK": "RGB",
    "YCbCr": "RGB",
    "LAB": "RGB",
    "HSV": "RGB",
    "RGBX": "RGB",
    "RGBa": "RGBA",
    "La": "LA",
}


def read_image(
    path, *, max_pixels: int | None = DEFAULT_MAX_PIXELS, mode: str | None = None
) -> np.ndarray:
    """An image file as an array: ``(H, W)``, ``(H, W, 2)`` (gray+alpha), RGB or RGBA.

    Parameters
    ----------
    path : str or PathLike
        Any format Pillow reads (PNG, JPEG, TIFF, BMP, WebP, ...); the first frame.
    max_pixels : int or None
        Refuse images with more pixels (decompression bombs: a small file that decodes to
        gigabytes). Checked from the header, before anything is decoded. The default (also
        for None), 178,956,970, is where Pillow itself refuses; Pillow's own check and
        warning are off.
    mode : {None, 'L', 'RGB'}
        None: the image as stored. 'L' / 'RGB': uint8 ``(H, W)`` / ``(H, W, 3)``, as a model
        takes it: 16-bit scaled to 8, alpha composited over white, gray <-> RGB by BT.601
        luminance (:func:`convolab.image.convert_mode`).

    Returns
    -------
    ndarray
        uint8 for 8-bit images, uint16 for 16-bit grayscale, float32 for float TIFFs
        (``mode=None``); uint8 with a ``mode``.
    """
    if mode is not None:
        as_choice(mode, "mode", MODES)
    with _opened(path, max_pixels) as img:
        img.load()
        image = _to_array(img)
    return image if mode is None else convert_mode(image, mode)


def peek_image(path, *, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> tuple[int, int, int]:
    """``(height, width, channels)`` of an image file, from its header: nothing is decoded.

    ``channels`` is what :func:`read_image` would return: 1 (gray), 2 (gray + alpha),
    3 (colour) or 4 (colour + alpha). The same checks as :func:`read_image`: a missing
    file, a file Pillow cannot read, more than ``max_pixels`` pixels.
    """
    with _opened(path, max_pixels) as img:
        (width, height), mode = img.size, _array_mode(img)
    return height, width, {"LA": 2, "RGB": 3, "RGBA": 4}.get(mode, 1)


@contextlib.contextmanager
def _opened(path, max_pixels: int | None):
    """The Pillow image of ``path``, its size checked against ``max_pixels`` from the header
    (``None``: :data:`DEFAULT_MAX_PIXELS`).

    Pillow's own bomb check (a warning, then an error at twice its limit) is off meanwhile:
    ``max_pixels`` replaces it. A file Pillow cannot read or decode is an InvalidValueError;
    a missing file, a directory or no permission stay OSErrors.
    """
    from PIL import Image, UnidentifiedImageError

    if max_pixels is None:
        max_pixels = DEFAULT_MAX_PIXELS
    max_pixels = as_int(max_pixels, "max_pixels", minimum=1)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            # Pillow's bomb warning (max_pixels decides) and its notes on odd files (corrupt
            # EXIF, a truncated TIFF tag): an image that decodes is read without them
            warnings.filterwarnings("ignore", module=r"PIL\.")
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                _check_pixels(img.size, max_pixels, path)
                yield img
    except UnidentifiedImageError:
        raise InvalidValueError(
            f"cannot read image {str(path)!r}: it is not an image file Pillow can read "
            f"({', '.join(sorted(set(FORMATS.values())))}, ...)"
        ) from None
    except InputError:  # the pixel limit: already the message to give
        raise
    except (OSError, SyntaxError, EOFError, ValueError, struct.error) as exc:
        # what Pillow's decoders raise on a malformed file ("Reached EOF while reading header")
        if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise
        raise InvalidValueError(
            f"cannot read image {str(path)!r}: truncated or corrupt? {exc}"
        ) from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _check_pixels(size: tuple[int, int], max_pixels: int, path: Path) -> None:
    width, height = size
    if width * height > max_pixels:
        raise InvalidValueError(
            f"image {str(path)!r} has {width * height} pixels ({width}x{height}), "
            f"more than max_pixels={max_pixels} (a decompression bomb?); raise the limit "
            "(--max-pixels) if you trust the file"
        )


def _array_mode(img) -> str:
    """The Pillow mode :func:`read_image` returns ``img`` in (the 32-bit ``'I'`` aside)."""
    if img.mode == "P" and "transparency" in img.info:
        return "RGBA"  # a palette with a transparent entry: keep it as alpha
    return img.mode if img.mode in _KEEP else _CONVERT.get(img.mode, "RGB")


def _to_array(img) -> np.ndarray:
    if img.mode == "I":  # 32-bit integers: 16-bit data in most files (PNG, TIFF)
        array = np.asarray(img)
        in_range = array.size and array.min() >= 0 and array.max() <= 65535
        return array.astype(np.uint16) if in_range else array.astype(np.float32)
    mode = _array_mode(img)
    if img.mode != mode:
        img = img.convert(mode)
    array = np.array(img)  # a copy: np.asarray would give a read-only view of Pillow's bytes
    return array.astype(np.uint16) if img.mode == "I;16" else array


def write_image(path, image: np.ndarray, *, overwrite: bool = False) -> Path:
    """Save ``image`` to ``path`` (format from the suffix), atomically.

    uint8 is written as is; uint16 grayscale stays 16-bit in PNG and TIFF (8-bit elsewhere);
    floats are taken as ``[0, 1]``, clipped and rounded to 8 bits. JPEG has no alpha, so alpha
    is dropped there. The file appears complete or not at all (:func:`convolab._io.atomic_path`),
    and an existing file is only replaced with ``overwrite=True``.
    """
    from PIL import Image

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise invalid("output", str(path), "a file name ending in " + ", ".join(FORMATS))
    if path.exists() and not overwrite:
        raise FileExistsError(
            errno.EEXIST, "refusing to overwrite (pass overwrite=True)", str(path)
        )
    array = _to_saveable(np.asarray(image), fmt)
    with atomic_path(path) as tmp:
        Image.fromarray(array).save(tmp, format=fmt)
    return path


def _to_saveable(image: np.ndarray, fmt: str) -> np.ndarray:
    """uint8 (or 2-D uint16 for PNG/TIFF) with 1, 3 or 4 channels, alpha dropped for JPEG."""
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if fmt == "JPEG" and image.ndim == 3 and image.shape[2] in (2, 4):
        image = image[..., :-1] if image.shape[2] == 4 else image[..., 0]
    if image.dtype == np.uint16 and not (image.ndim == 2 and fmt in ("PNG", "TIFF")):
        image = np.rint(image / 257.0).astype(np.uint8)
    elif image.dtype.kind == "f":
        image = np.rint(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    return image


def sample_image(name: str = "astronaut") -> np.ndarray:
    """A photograph bundled with scikit-image (no network): 'astronaut' (RGB) or 'camera'."""
    from skimage import data

    return getattr(data, as_choice(name, "name", SAMPLES))()
