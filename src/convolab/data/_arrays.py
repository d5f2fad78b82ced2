"""Images held in memory as uint8 arrays, and the split of a data set into train/val/test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convolab._args import InvalidValueError, invalid


@dataclass(frozen=True, repr=False)
class ImageArrays:
    """Images and their labels.

    Attributes
    ----------
    images : ndarray, shape (N, H, W, C), uint8
        Pixel values 0..255, channels last (C is 1 for grayscale, 3 for RGB).
    labels : ndarray, shape (N,), int64
        Class indices 0..K-1.
    """

    images: np.ndarray
    labels: np.ndarray

    def __post_init__(self):
        if self.images.ndim != 4 or self.images.dtype != np.uint8:
            raise invalid(
                "images",
                f"{self.images.dtype} array of shape {self.images.shape}",
                "a uint8 array of shape (N, H, W, C)",
            )
        if self.labels.shape != (len(self.images),):
            raise invalid(
                "labels",
                f"shape {self.labels.shape}",
                f"one label per image, shape ({len(self.images)},)",
            )

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: np.ndarray) -> ImageArrays:
        """The images at ``index`` (an int array or a boolean mask)."""
        return ImageArrays(self.images[index], self.labels[index])

    def __repr__(self) -> str:
        n, h, w, c = self.images.shape
        return f"ImageArrays({n} images of {h}x{w}x{c})"


@dataclass(frozen=True, repr=False)
class DataSplits:
    """A data set split into training, validation and test images, at native resolution.

    Attributes
    ----------
    name : str
        The data spec it came from, e.g. ``"digits"`` or ``"mnist:/data/mnist"``.
    train, val, test : ImageArrays
        Disjoint splits; the validation split picks the best epoch, the test split is held out.
    classes : tuple of str
        Class names, index ``k`` naming label ``k``.
    flip : bool
        Whether a horizontal flip keeps the class (True for photos, False for digits).
    """

    name: str
    train: ImageArrays
    val: ImageArrays
    test: ImageArrays
    classes: tuple[str, ...]
    flip: bool = False

    def __post_init__(self):
        for split in ("train", "val", "test"):
            check_split(getattr(self, split), split, self.name, len(self.classes))

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def channels(self) -> int:
        return self.train.images.shape[-1]

    def __repr__(self) -> str:
        return (
            f"DataSplits({self.name!r}: train {len(self.train)}, val {len(self.val)}, "
            f"test {len(self.test)}, {self.num_classes} classes)"
        )


def check_split(arrays: ImageArrays, split: str, name: str, num_classes: int) -> ImageArrays:
    """``arrays`` if the split has images and every label names one of ``num_classes``."""
    if len(arrays) == 0:
        raise InvalidValueError(f"the {split} split of {name} has no images")
    low, high = int(arrays.labels.min()), int(arrays.labels.max())
    if low < 0 or high >= num_classes:
        raise InvalidValueError(
            f"the {split} split of {name} has labels {low}..{high}; its {num_classes} classes "
            f"need labels 0..{num_classes - 1}"
        )
    return arrays


def part_sizes(count: int, fractions: tuple[float, ...]) -> list[int]:
    """How many of ``count`` members each part gets: ``round(f * count)``, the first the rest."""
    sizes = [round(f * count) for f in fractions[1:]]
    return [count - sum(sizes), *sizes]


def min_class_size(fractions: tuple[float, ...]) -> int:
    """The fewest members a class needs for every part of ``fractions`` to get one."""
    return next(n for n in range(1, 10_000) if min(part_sizes(n, fractions)) >= 1)


def check_class_sizes(counts: dict[str, int], fractions: tuple, parts: str, source: str) -> None:
    """Refuse a class with too few members to appear in every part of the split."""
    need = min_class_size(fractions)
    small = {name: n for name, n in counts.items() if n < need}
    if small:
        name, n = next(iter(small.items()))
        shares = "/".join(f"{round(100 * f)}" for f in fractions)
        raise InvalidValueError(
            f"class {name!r} of {source} has {n} image{'s' * (n != 1)}, too few for the "
            f"{shares} {parts} split: each class needs at least {need}"
            + (f" ({len(small)} classes have fewer)" if len(small) > 1 else "")
        )


def stratified_split(labels: np.ndarray, fractions: tuple[float, ...], seed: int) -> list:
    """Index arrays splitting ``labels`` into parts of the given ``fractions``, class by class.

    Every class is shuffled with ``numpy.random.default_rng(seed)`` and cut at the same
    cumulative fractions, so each part keeps the class proportions. The first part gets the
    remainder; the result does not depend on anything but ``labels``, ``fractions`` and ``seed``.
    """
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for k in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == k))
        cuts = np.cumsum(part_sizes(len(members), fractions))[:-1]
        for part, chunk in zip(parts, np.split(members, cuts)):
            part.append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def split_holdout(train: ImageArrays, val_fraction: float, seed: int) -> tuple:
    """``train`` cut into (train, val) with a stratified, seeded validation part."""
    keep, val = stratified_split(train.labels, (1 - val_fraction, val_fraction), seed)
    return train.subset(keep), train.subset(val)
