"""The IDX format of MNIST and Fashion-MNIST (LeCun et al.), gzip-compressed or not.

An IDX file is a 4-byte magic number ``0x00 0x00 TYPE NDIM``, then NDIM big-endian uint32
sizes, then the values in C order, big-endian. MNIST images are ``(N, 28, 28)`` uint8 (magic
2051), labels ``(N,)`` uint8 (magic 2049).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from convolab._args import InvalidValueError
from convolab.data._arrays import DataSplits, ImageArrays, split_holdout

# IDX type byte -> big-endian NumPy dtype.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
# The four files of an MNIST-layout directory, by split and role.
MNIST_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def parse_idx(raw: bytes, source: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an IDX file into an array of its shape and native-endian dtype."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise InvalidValueError(
            f"{source} is not an IDX file: its header must be 0x00 0x00 TYPE NDIM "
            f"with TYPE in {sorted(hex(t) for t in _IDX_TYPES)}, got {raw[:4]!r}"
        )
    dtype, ndim = np.dtype(_IDX_TYPES[raw[2]]), raw[3]
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = 4 + 4 * ndim + dtype.itemsize * int(np.prod(shape))
    if len(raw) != expected:
        raise InvalidValueError(
            f"{source} is malformed: header says shape {shape} ({expected} bytes), "
            f"the file has {len(raw)} bytes"
        )
    data = np.frombuffer(raw, dtype, offset=4 + 4 * ndim).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (``.gz`` or not; gzip is recognised by its magic bytes)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InvalidValueError(f"{path} is not a readable gzip file: {exc}") from None
    return parse_idx(raw, str(path))


# Which files each split reads: the validation split is cut out of the training files.
PART_OF_SPLIT = {"train": "train", "val": "train", "test": "test"}


def _part_files(root: Path, kind: str, part: str) -> tuple[Path, Path]:
    """(images, labels) files of one part (``train`` or ``test``), ``.gz`` or not."""
    if not root.is_dir():
        raise FileNotFoundError(f"{kind} directory {str(root)!r} does not exist")
    names = [MNIST_FILES[part, role] for role in ("images", "labels")]
    found = [next((p for p in (root / n, root / f"{n}.gz") if p.is_file()), None) for n in names]
    if None in found:
        missing = [f"{n}[.gz]" for n, f in zip(names, found) if f is None]
        present = sorted(p.name for p in root.iterdir()) or ["nothing"]
        use = "training (train and val splits)" if part == "train" else "the test split"
        raise FileNotFoundError(
            f"{kind} directory {str(root)!r} must hold {' and '.join(n + '[.gz]' for n in names)} "
            f"for {use}; missing {', '.join(missing)}; found {', '.join(present)}"
        )
    return found[0], found[1]


def _read_part(root: Path, kind: str, part: str) -> ImageArrays:
    """The images and labels of one part, checked against each other and the 10 classes."""
    images_file, labels_file = _part_files(root, kind, part)
    images, labels = read_idx(images_file), read_idx(labels_file)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise InvalidValueError(
            f"{images_file} must hold uint8 images (N, H, W), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if labels.shape != (len(images),):
        raise InvalidValueError(
            f"{labels_file} must hold {len(images)} labels, one per "
            f"image of {images_file.name}, got shape {labels.shape}"
        )
    return ImageArrays(images[..., None], labels.astype(np.int64))  # (N, H, W, 1)


def _classes(kind: str) -> tuple[str, ...]:
    return FASHION_CLASSES if kind == "fashion-mnist" else tuple(str(k) for k in range(10))


def load_idx_split(
    root: str | Path, kind: str, split: str, *, val_fraction: float, seed: int
) -> tuple[ImageArrays, tuple[str, ...]]:
    """One split and the class names, reading only the files of that split (t10k for test)."""
    arrays = _read_part(Path(root), kind, PART_OF_SPLIT[split])
    if split != "test":
        arrays = split_holdout(arrays, val_fraction, seed)[split == "val"]
    return arrays, _classes(kind)


def load_idx_splits(root: str | Path, kind: str, *, val_fraction: float, seed: int) -> DataSplits:
    """An MNIST-layout directory: train files split into train/val, t10k files as test."""
    root = Path(root)
    train, val = split_holdout(_read_part(root, kind, "train"), val_fraction, seed)
    return DataSplits(
        f"{kind}:{root}",
        train,
        val,
        _read_part(root, kind, "test"),
        _classes(kind),
        flip=kind == "fashion-mnist",
    )
