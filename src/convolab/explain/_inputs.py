"""What the page feeds the model: the drawing canvas, the bundled images, the preprocessing.

The page holds an image as uint8 pixels (H, W, C) at any size: the drawing canvas at the
size of the images the model was trained on (8x8 for scikit-learn's digits, 28x28 for MNIST),
a bundled held-out image of the run, or an uploaded file. The model sees it through
:func:`convolab.data.model_input` (the run's own pad-or-resize and normalisation), or through
the ``transform`` a user gave :func:`convolab.explain`. Digit models, trained on light strokes
on a dark background, get a dark canvas and light ink.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from convolab._args import invalid
from convolab.data import Preprocess, model_input

MAX_EXAMPLES = 10  # bundled held-out images: one per class, at most this many


@dataclass(frozen=True)
class Example:
    """One bundled image and what it shows."""

    label: str
    image: np.ndarray  # uint8 (H, W, C)

    def to_page(self) -> dict:
        return {"label": self.label, **pixels_to_page(self.image)}


@dataclass(frozen=True)
class InputSpec:
    """How the page's images reach the model."""

    canvas: tuple[int, int]  # (H, W) of the drawing canvas: the training images' size
    channels: int  # 1 (gray) or 3 (RGB) channels of the page's images
    preprocess: Preprocess | None  # the run's preprocessing; None with a custom transform
    transform: Callable | None = None  # uint8 (H, W, C) -> (1, C, H', W') model input
    dark: bool = False  # light strokes on a dark background (digits, MNIST, Fashion-MNIST)
    examples: tuple[Example, ...] = field(default=())

    def model_input(self, image: np.ndarray) -> torch.Tensor:
        """The model's input (1, C, H', W') for a uint8 image (H, W, C)."""
        if self.transform is None:
            return model_input(image, self.preprocess)  # (1, C, H', W')
        x = self.transform(image)
        if not isinstance(x, torch.Tensor):
            raise invalid("transform", self.transform, "a function returning a torch.Tensor")
        return (x[None] if x.dim() == 3 else x).float()  # (1, C, H', W')

    def to_page(self) -> dict:
        prep = self.preprocess
        return {
            "canvas": list(self.canvas),
            "channels": self.channels,
            "dark": self.dark,
            "preprocess": None if prep is None else prep.to_dict(),
            "examples": [e.to_page() for e in self.examples],
        }


def pixels_to_page(image: np.ndarray) -> dict:
    """uint8 (H, W, C) pixels as the page takes them: sizes and base64 row-major bytes."""
    height, width, channels = image.shape
    data = base64.b64encode(np.ascontiguousarray(image, dtype=np.uint8).tobytes()).decode()
    return {"height": height, "width": width, "channels": channels, "data": data}


def pixels_from_page(data: dict, channels: int) -> np.ndarray:
    """The page's pixels (see :func:`pixels_to_page`) as uint8 (H, W, C), checked."""
    try:
        height, width, count = (int(data[k]) for k in ("height", "width", "channels"))
        raw = base64.b64decode(data["data"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        expected = "height, width, channels and base64 data"
        raise invalid("pixels", type(exc).__name__, expected) from None
    if count != channels or not (0 < height <= 4096 and 0 < width <= 4096):
        raise invalid("pixels", (height, width, count), f"at most 4096x4096x{channels}")
    if len(raw) != height * width * count:
        raise invalid("pixels", f"{len(raw)} bytes", f"{height * width * count} bytes")
    return np.frombuffer(raw, np.uint8).reshape(height, width, count).copy()


def held_out_examples(data: str, classes: tuple[str, ...], size, limit: int = MAX_EXAMPLES):
    """The first test image of each class of the run's data set (``()`` when its files
    are not on this machine), in class order."""
    from convolab.data import load_split

    try:
        test, _ = load_split(data, "test", size=tuple(size))
    except (OSError, ValueError):
        return ()
    first = {}
    for index, label in enumerate(test.labels.tolist()):
        first.setdefault(label, index)
    chosen = sorted(first.items())[:limit]
    return tuple(Example(classes[label], test.images[i]) for label, i in chosen)
