"""Data specs: ``digits``, ``mnist:DIR``, ``fashion-mnist:DIR``, ``cifar10:DIR``, ``folder:DIR``."""

from __future__ import annotations

from pathlib import Path

from convolab._args import as_choice, invalid, wrong_type
from convolab.data._arrays import DataSplits, ImageArrays, check_split

DATA_KINDS = ("digits", "mnist", "fashion-mnist", "cifar10", "folder")
SPLITS = ("train", "val", "test")
# Seed of every validation/test split: the held-out images never depend on the training seed.
SPLIT_SEED = 0
# Share of a training set kept aside for validation when the files hold no validation split.
VAL_FRACTION = 0.1


def parse_spec(spec: object) -> tuple[str, Path | None]:
    """``"mnist:/data/mnist"`` -> ``("mnist", Path("/data/mnist"))``; ``"digits"`` -> no path."""
    if not isinstance(spec, str):
        raise wrong_type("data", spec, "a data spec string such as 'digits' or 'mnist:DIR'")
    kind, sep, path = spec.partition(":")
    as_choice(kind, "data kind", DATA_KINDS)
    if kind == "digits":
        if sep:
            raise invalid("data", spec, "'digits' alone (it is bundled with scikit-learn)")
        return kind, None
    if not path:
        raise invalid("data", spec, f"'{kind}:DIR', the directory holding the files")
    return kind, Path(path).expanduser()


def load_data(
    spec: str = "digits", *, size: tuple[int, int] = (32, 32), max_pixels: int | None = None
) -> DataSplits:
    """Load a data set from local files (nothing is ever downloaded).

    Parameters
    ----------
    spec : str
        ``digits`` (scikit-learn's 1,797 8x8 digits), ``mnist:DIR`` or ``fashion-mnist:DIR``
        (the four IDX files, ``.gz`` or not), ``cifar10:DIR`` (the python batches) or
        ``folder:DIR`` (one sub-folder per class).
    size : (int, int)
        (H, W) at which ``folder`` images are decoded; the other sets keep their native size.
    max_pixels : int, optional
        ``folder`` images with more pixels are refused from their header, before decoding
        (default: :data:`convolab.image.DEFAULT_MAX_PIXELS`).

    Returns
    -------
    DataSplits
        uint8 train/val/test images at native resolution, labels and class names.
    """
    from convolab.data._cifar import load_cifar10_splits
    from convolab.data._digits import load_digits_splits
    from convolab.data._folder import load_folder_splits
    from convolab.data._idx import load_idx_splits

    kind, path = parse_spec(spec)
    held = dict(val_fraction=VAL_FRACTION, seed=SPLIT_SEED)
    if kind == "digits":
        return load_digits_splits()
    if kind in ("mnist", "fashion-mnist"):
        return load_idx_splits(path, kind, **held)
    if kind == "cifar10":
        return load_cifar10_splits(path, **held)
    return load_folder_splits(path, tuple(size), **held, max_pixels=max_pixels)


def load_split(
    spec: str, split: str, *, size: tuple[int, int] = (32, 32), max_pixels: int | None = None
) -> tuple[ImageArrays, tuple[str, ...]]:
    """One split of a data set and its class names, reading only the files that split needs.

    ``mnist:DIR --split test`` reads the two ``t10k`` files alone (a directory may hold only
    those), ``cifar10:DIR`` the test batch alone; ``train`` and ``val`` read the training
    files. The images are those of ``load_data(spec, size=size)``'s split of the same name
    (``max_pixels`` as there).
    """
    from convolab.data._cifar import load_cifar10_split
    from convolab.data._idx import load_idx_split

    as_choice(split, "split", SPLITS)
    kind, path = parse_spec(spec)
    held = dict(val_fraction=VAL_FRACTION, seed=SPLIT_SEED)
    if kind in ("mnist", "fashion-mnist"):
        arrays, classes = load_idx_split(path, kind, split, **held)
    elif kind == "cifar10":
        arrays, classes = load_cifar10_split(path, split, **held)
    else:  # digits and folders: the three splits are cut from one set
        data = load_data(spec, size=size, max_pixels=max_pixels)
        arrays, classes = getattr(data, split), data.classes
    return check_split(arrays, split, spec, len(classes)), classes
