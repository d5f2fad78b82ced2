"""What the page needs from Python: the kernel bank as JSON and the bundled photos as PNG.

The kernels come from :mod:`convolab.image` (``list_kernels`` and ``get_kernel``), so the
page filters with the very numbers the library uses. The photos are scikit-image's sample
images, scaled to at most :data:`MAX_SIDE` pixels a side so the page filters them at once.
"""

from __future__ import annotations

import functools
import io

from convolab._args import as_choice, as_int

PHOTOS = ("camera", "astronaut", "coins", "chelsea", "coffee")  # skimage.data names
MAX_SIDE = 256  # longest side of a photo served to the page, in pixels


def kernel_bank() -> dict:
    """The bank of convolab.image as ``{"kernels": [entry, ...]}`` for the page.

    An entry is ``{"name", "summary", "weights"}`` for a linear kernel (``get_kernel(name)``
    with its default parameters, applied by cross-correlation), or ``{"name", "summary",
    "pair"}`` with the ``[kernel_x, kernel_y]`` of a gradient-magnitude entry, combined as
    ``sqrt(gx^2 + gy^2)`` (``apply_kernel``).
    """
    from convolab import image

    return {"kernels": [_entry(image, name) for name in image.list_kernels()]}


def _entry(image, name: str) -> dict:
    info = image.kernel_info(name)
    entry = {"name": name, "summary": info.summary}
    if info.is_pair:
        entry["pair"] = [k.tolist() for k in image.get_kernel_pair(name)]
    else:
        entry["weights"] = image.get_kernel(name).tolist()
    return entry


@functools.lru_cache(maxsize=2 * len(PHOTOS))
def photo_png(name: str, max_side: int = MAX_SIDE) -> bytes:
    """The bundled photo ``name`` (one of :data:`PHOTOS`) as PNG bytes, grey or RGB, scaled
    to at most ``max_side`` pixels a side."""
    import skimage.data
    from PIL import Image

    name = as_choice(name, "photo", PHOTOS)
    max_side = as_int(max_side, "max_side", minimum=1)
    picture = Image.fromarray(getattr(skimage.data, name)())  # (H, W) or (H, W, 3) uint8
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
