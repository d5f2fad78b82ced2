"""The IDX format of MNIST and Fashion-MNIST (LeCun et al.), gzip-compressed or not.

An IDX file is a 4-byte magic number ``0x00 0x00 TYPE NDIM``, then NDIM big-endian uint32
sizes, then the values in C order, big-endian. MNIST images are ``(N, 28, 28)`` uint8 (magic
2051), labels ``(N,)`` uint8 (magic 2049).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

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
        raise ValueError(
            f"{source} is not an IDX file: its header must be 0x00 0x00 TYPE NDIM "
            f"with TYPE in {sorted(hex(t) for t in _IDX_TYPES)}, got {raw[:4]!r}"
        )
    dtype, ndim = np.dtype(_IDX_TYPES[raw[2]]), raw[3]
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = 4 + 4 * ndim + dtype.itemsize * int(np.prod(shape))
    if len(raw) != expected:
        raise ValueError(
            f"{source} is malformed: header says shape {shape} ({expected} bytes), "
            f"the file has {len(raw)} bytes"
        )
    data = np.frombuffer(raw, dtype, offset=4 + 4 * ndim).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (``.gz`` or not; gzip is recognised by its magic bytes)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return parse_idx(raw, str(path))


def _find_idx_files(root: Path, kind: str) -> dict:
    if not root.is_dir():
        raise FileNotFoundError(f"{kind} directory {str(root)!r} does not exist")
    found, missing = {}, []
    for key, name in MNIST_FILES.items():
        candidates = [root / name, root / f"{name}.gz"]
        hit = next((p for p in candidates if p.is_file()), None)
        found[key] = hit
        if hit is None:
            missing.append(f"{name}[.gz]")
    if missing:
        present = sorted(p.name for p in root.iterdir()) or ["nothing"]
        raise FileNotFoundError(
            f"{kind} directory {str(root)!r} must hold the four IDX files "
            f"{', '.join(n + '[.gz]' for n in MNIST_FILES.values())}; missing "
            f"{', '.join(missing)}; found {', '.join(present)}"
        )
    return found


def _idx_split(files: dict, split: str) -> ImageArrays:
    images, labels = read_idx(files[split, "images"]), read_idx(files[split, "labels"])
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{files[split, 'images']} must hold uint8 images (N, H, W), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if labels.shape != (len(images),):
        raise ValueError(
            f"{files[split, 'labels']} must hold {len(images)} labels, one per "
            f"image of {files[split, 'images'].name}, got shape {labels.shape}"
        )
    return ImageArrays(images[..., None], labels.astype(np.int64))  # (N, H, W, 1)


def load_idx_splits(root: str | Path, kind: str, *, val_fraction: float, seed: int) -> DataSplits:
    """An MNIST-layout directory: train files split into train/val, t10k files as test."""
    files = _find_idx_files(Path(root), kind)
    train, val = split_holdout(_idx_split(files, "train"), val_fraction, seed)
    classes = FASHION_CLASSES if kind == "fashion-mnist" else tuple(str(k) for k in range(10))
    return DataSplits(
        f"{kind}:{root}",
        train,
        val,
        _idx_split(files, "test"),
        classes,
        flip=kind == "fashion-mnist",
    )
