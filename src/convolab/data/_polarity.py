"""Digit images drawn dark on light, as the light-on-dark data sets store them.

MNIST, Fashion-MNIST and scikit-learn's digits store bright strokes on a black background;
a model trained on them reads a black-on-white drawing as something else entirely (a drawn
3 came out as an 8 with probability 0.88; inverted, a 3 at 0.99). So for these data sets a
light background (the image's border, mostly white) is inverted, ``255 - v``.
"""

from __future__ import annotations

import numpy as np

# Data sets whose images are light strokes on a dark background.
DARK_BACKGROUND_DATA = ("digits", "mnist", "fashion-mnist")
LIGHT = 127.5  # a border brighter than mid-grey, on average, is a light background


def dark_background_data(spec: str | None) -> bool:
    """True when the data spec (``'digits'``, ``'mnist:DIR'``...) names light-on-dark images."""
    return bool(spec) and spec.partition(":")[0] in DARK_BACKGROUND_DATA


def light_background(image: np.ndarray) -> bool:
    """True when the one-pixel border of a uint8 image (H, W, C) is brighter than mid-grey."""
    border = np.concatenate(
        [image[0].ravel(), image[-1].ravel(), image[:, 0].ravel(), image[:, -1].ravel()]
    )
    return float(border.mean()) > LIGHT


def match_polarity(image: np.ndarray, data: str | None, invert: bool | None):
    """``(image, inverted)``: ``255 - image`` when ``invert``, or, when ``invert`` is None,
    when the model was trained on light-on-dark ``data`` and ``image`` has a light background.
    """
    if invert is None:
        invert = dark_background_data(data) and light_background(image)
    return (255 - image if invert else image), invert
