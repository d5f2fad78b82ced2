"""CIFAR-10's "python version" batches, unpickled with a whitelist so no code can run.

The official archive holds ``data_batch_1`` .. ``data_batch_5``, ``test_batch`` and
``batches.meta``: pickles (protocol 2, Python 2 strings) of dicts with ``b"data"``, a
``(10000, 3072)`` uint8 array of 32x32 RGB images stored plane by plane, and ``b"labels"``.
A pickle can name any callable; :class:`SafeUnpickler` only lets through the few NumPy
functions that rebuild an array and refuses everything else.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from convolab._args import InvalidValueError
from convolab.data._arrays import DataSplits, ImageArrays, split_holdout

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
# The only globals a CIFAR batch needs: NumPy's array reconstruction (numpy 1 and 2 names),
# and _codecs.encode, with which Python 3 pickles (protocol 2) store an array's raw bytes.
_ALLOWED = {
    ("_codecs", "encode"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only NumPy's array-rebuilding globals.

    Raises
    ------
    pickle.UnpicklingError
        For any other global (``os.system``, ``builtins.eval``, ...), before it is called.
    """

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a CIFAR batch may only rebuild NumPy arrays"
            )
        if module.startswith("numpy.core") and int(np.__version__.split(".")[0]) >= 2:
            module = "numpy._core" + module[len("numpy.core") :]
        return super().find_class(module, name)


def load_pickle(path: Path) -> dict:
    """A pickled dict of arrays and lists, loaded with :class:`SafeUnpickler`."""
    with open(path, "rb") as f:
        try:
            obj = SafeUnpickler(f, encoding="bytes").load()
        except pickle.UnpicklingError as exc:
            raise InvalidValueError(f"{path} is not a safe CIFAR pickle: {exc}") from None
        except (EOFError, ValueError) as exc:
            raise InvalidValueError(f"{path} is not a readable pickle: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidValueError(f"{path} must hold a dict, got {type(obj).__name__}")
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in obj.items()}


def _batch(path: Path) -> ImageArrays:
    batch = load_pickle(path)
    data, labels = batch.get("data"), batch.get("labels")
    if (
        not isinstance(data, np.ndarray)
        or data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != 3072
        or labels is None
        or len(labels) != len(data)
    ):
        raise InvalidValueError(f"{path} must hold 'data', a uint8 array (N, 3072), and N 'labels'")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # (N, 32, 32, 3)
    return ImageArrays(np.ascontiguousarray(images), np.asarray(labels, dtype=np.int64))


# Which files each split reads (besides batches.meta): validation is cut out of training.
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
BATCHES_OF_SPLIT = {"train": TRAIN_BATCHES, "val": TRAIN_BATCHES, "test": ("test_batch",)}


def _check_files(root: Path, names: tuple[str, ...], use: str) -> None:
    if not root.is_dir():
        raise FileNotFoundError(f"cifar10 directory {str(root)!r} does not exist")
    missing = [n for n in names if not (root / n).is_file()]
    if missing:
        present = sorted(p.name for p in root.iterdir()) or ["nothing"]
        raise FileNotFoundError(
            f"cifar10 directory {str(root)!r} must hold {', '.join(names)} (the 'python "
            f"version' batches) for {use}; missing {', '.join(missing)}; found "
            f"{', '.join(present)}"
        )


def _read_batches(root: Path, names: tuple[str, ...]) -> ImageArrays:
    use = "the test split" if names == ("test_batch",) else "training (train and val splits)"
    _check_files(root, (*names, "batches.meta"), use)
    parts = [_batch(root / name) for name in names]
    return ImageArrays(
        np.concatenate([p.images for p in parts]), np.concatenate([p.labels for p in parts])
    )


def _classes(root: Path) -> tuple[str, ...]:
    names = load_pickle(root / "batches.meta").get("label_names")
    classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names or ())
    return classes or CIFAR10_CLASSES


def load_cifar10_split(
    root: str | Path, split: str, *, val_fraction: float, seed: int
) -> tuple[ImageArrays, tuple[str, ...]]:
    """One split and the class names, reading only that split's batches (and batches.meta)."""
    root = Path(root)
    arrays = _read_batches(root, BATCHES_OF_SPLIT[split])
    if split != "test":
        arrays = split_holdout(arrays, val_fraction, seed)[split == "val"]
    return arrays, _classes(root)


def load_cifar10_splits(root: str | Path, *, val_fraction: float, seed: int) -> DataSplits:
    """CIFAR-10: the five training batches split into train/val, ``test_batch`` as test."""
    root = Path(root)
    train, val = split_holdout(_read_batches(root, TRAIN_BATCHES), val_fraction, seed)
    test = _read_batches(root, ("test_batch",))
    return DataSplits(f"cifar10:{root}", train, val, test, _classes(root), flip=True)
