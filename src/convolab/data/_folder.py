"""The ImageFolder layout: one sub-folder per class, image files inside.

``DIR/<class>/*.png`` is split 70/10/20 (stratified, seeded) into train/val/test;
``DIR/train/<class>/...`` with ``DIR/test/<class>/...`` (or ``val/``) keeps the given split
and cuts the validation images out of ``train``. Images are decoded once, by convolab's one
image reader (:func:`convolab.image.read_image`: its pixel limit, 16-bit and alpha rules,
the same as ``predict``'s), and resized to a common size so the set fits in one array.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from convolab._args import InvalidValueError
from convolab.data._arrays import (
    DataSplits,
    ImageArrays,
    check_class_sizes,
    split_holdout,
    stratified_split,
)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
# Fractions for a folder without a train/test split: 70% train, 10% validation, 20% test.
FOLDER_FRACTIONS = (0.7, 0.1, 0.2)


def _class_files(root: Path) -> dict[str, list[Path]]:
    classes = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(f for f in sub.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
        if files:
            classes[sub.name] = files
    if not classes:
        present = sorted(p.name for p in root.iterdir())[:10] or ["nothing"]
        raise FileNotFoundError(
            f"folder {str(root)!r} must hold one sub-folder per class with images "
            f"({', '.join(IMAGE_SUFFIXES)}) inside; found {', '.join(present)}"
        )
    return classes


def _check_classes(classes: dict[str, list[Path]], root: Path, fractions, parts: str) -> None:
    """At least two classes, each with enough images for every part of the split."""
    if len(classes) < 2:
        raise InvalidValueError(
            f"folder {str(root)!r} must hold at least 2 classes (one sub-folder of images per "
            f"class) to train a classifier; found {len(classes)}: {', '.join(classes)}"
        )
    counts = {name: len(files) for name, files in classes.items()}
    check_class_sizes(counts, fractions, parts, f"folder {str(root)!r}")


def _decode(path: Path, size: tuple[int, int], mode: str, max_pixels: int | None) -> np.ndarray:
    from PIL import Image

    from convolab.image import read_image

    pixels = read_image(path, mode=mode, max_pixels=max_pixels)  # (h, w) or (h, w, 3) uint8
    resized = Image.fromarray(pixels).resize((size[1], size[0]), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.uint8).reshape(size[0], size[1], -1)  # (H, W, C)


def _image_mode(files: list[Path], max_pixels: int | None) -> str:
    """'RGB' if any image has colour, else 'L' (from the files' headers)."""
    from convolab.image import peek_image

    for path in files:
        if peek_image(path, max_pixels=max_pixels)[2] >= 3:
            return "RGB"
    return "L"


def _load(classes, names: tuple[str, ...], size, mode, max_pixels: int | None) -> ImageArrays:
    files = [(f, names.index(c)) for c in classes for f in classes[c]]
    images = np.stack([_decode(f, size, mode, max_pixels) for f, _ in files])  # (N, H, W, C)
    return ImageArrays(images, np.array([k for _, k in files], dtype=np.int64))


def load_folder_splits(
    root: str | Path,
    size: tuple[int, int],
    *,
    val_fraction: float,
    seed: int,
    max_pixels: int | None = None,
) -> DataSplits:
    """An ImageFolder directory, decoded at ``size`` = (H, W).

    ``max_pixels``: larger images are refused from their header, before decoding
    (:func:`convolab.image.read_image`; default its ``DEFAULT_MAX_PIXELS``).
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"folder {str(root)!r} does not exist")
    test_dir = next((root / n for n in ("test", "val") if (root / n).is_dir()), None)
    if (root / "train").is_dir() and test_dir is not None:
        train, val, test, names = _given_split(root, test_dir, size, val_fraction, seed, max_pixels)
    else:
        train, val, test, names = _cut_split(root, size, seed, max_pixels)
    return DataSplits(f"folder:{root}", train, val, test, names, flip=True)


def _given_split(root: Path, test_dir: Path, size, val_fraction: float, seed: int, max_pixels):
    """``train/`` cut into train and val, ``test/`` (or ``val/``) kept as the test split."""
    train_files, test_files = _class_files(root / "train"), _class_files(test_dir)
    _check_classes(train_files, root / "train", (1 - val_fraction, val_fraction), "train/val")
    names = tuple(train_files)
    unknown = sorted(set(test_files) - set(names))
    if unknown:
        raise InvalidValueError(f"{test_dir} has classes missing from {root / 'train'}: {unknown}")
    mode = _image_mode([f for fs in train_files.values() for f in fs], max_pixels)
    train, val = split_holdout(
        _load(train_files, names, size, mode, max_pixels), val_fraction, seed
    )
    return train, val, _load(test_files, names, size, mode, max_pixels), names


def _cut_split(root: Path, size, seed: int, max_pixels):
    """One folder of classes cut 70/10/20 into train, val and test, class by class."""
    files = _class_files(root)
    _check_classes(files, root, FOLDER_FRACTIONS, "train/val/test")
    names = tuple(files)
    mode = _image_mode([f for fs in files.values() for f in fs], max_pixels)
    everything = _load(files, names, size, mode, max_pixels)
    parts = stratified_split(everything.labels, FOLDER_FRACTIONS, seed)
    return (*(everything.subset(p) for p in parts), names)
