"""Images for a model, read as it takes them: a digit drawn dark on light is made light on
dark (:mod:`convolab.data._polarity`), and the user is told; ``--invert`` / ``--no-invert``
decide instead."""

from __future__ import annotations

import sys

from convolab.data._polarity import match_polarity


def read_for_model(path, card, invert: bool | None, max_pixels: int, command: str):
    """``(image, inverted)``: an image file as the model of ``card`` takes it, uint8 (H, W, C).

    Read by :func:`convolab.train._evaluate.read_image` (gray or RGB as the model, at most
    ``max_pixels``), then :func:`match_polarity`; an automatic inversion is said on stderr.
    """
    from convolab.train._evaluate import read_image

    image = read_image(path, card.preprocess.in_channels, max_pixels=max_pixels)  # (H, W, C)
    image, inverted = match_polarity(image, card.data, invert)
    if inverted and invert is None:
        kind = card.data.partition(":")[0]
        print(
            f"convolab {command}: {path}: light background inverted to light-on-dark, as "
            f"{kind} images are (--no-invert keeps it)",
            file=sys.stderr,
        )
    return image, inverted
