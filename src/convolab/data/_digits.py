"""scikit-learn's bundled 8x8 handwritten digits (UCI optdigits test set), offline."""

from __future__ import annotations

import numpy as np

from convolab.data._arrays import DataSplits, ImageArrays, stratified_split

# Fixed split seed: the same train/val/test images on every machine and every run.
DIGITS_SPLIT_SEED = 0
# Fractions of the 1,797 images: 70% train (1,257), 10% validation (180), 20% test (360).
DIGITS_FRACTIONS = (0.7, 0.1, 0.2)


def load_digits_splits() -> DataSplits:
    """The 1,797 real 8x8 digits (values 0..16 scaled to 0..255), split 70/10/20, stratified."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)  # (N, 8, 8)
    images = ImageArrays(pixels[..., None], bunch.target.astype(np.int64))  # (N, 8, 8, 1)
    train, val, test = stratified_split(images.labels, DIGITS_FRACTIONS, DIGITS_SPLIT_SEED)
    return DataSplits(
        "digits",
        images.subset(train),
        images.subset(val),
        images.subset(test),
        tuple(str(k) for k in range(10)),
    )
