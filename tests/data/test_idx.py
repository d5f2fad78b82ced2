"""IDX files (MNIST, Fashion-MNIST) parsed against an encoder written from the spec."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from data_writers import idx_bytes, random_digits, write_mnist
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from convolab.data import load_data, load_split, parse_idx, read_idx

DTYPES = ["uint8", "int8", ">i2", ">i4", ">f4", ">f8"]


@given(
    st.sampled_from(DTYPES).flatmap(
        lambda dt: arrays(
            np.dtype(dt),
            st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple),
            elements={"allow_nan": False} if "f" in dt else None,
        )
    )
)
def test_parse_idx_roundtrips_every_type_and_shape(array):
    parsed = parse_idx(idx_bytes(array))
    assert parsed.shape == array.shape
    assert parsed.dtype.isnative
    np.testing.assert_array_equal(parsed, array)


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_gzipped_or_not(tmp_path, rng, gz):
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    raw = idx_bytes(images)
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(gzip.compress(raw) if gz else raw)
    np.testing.assert_array_equal(read_idx(path), images)


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an IDX file"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "not an IDX file"),
        (b"\x00\x00", "not an IDX file"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x03\x05", "malformed.*3 bytes|malformed"),
    ],
)
def test_malformed_idx_is_refused(raw, match):
    with pytest.raises(ValueError, match=match):
        parse_idx(raw)


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_directory(tmp_path, rng, gz):
    train, test = random_digits(rng, 200), random_digits(rng, 30)
    splits = load_data(f"mnist:{write_mnist(tmp_path / 'm', train, test, gz)}")
    assert (len(splits.train), len(splits.val), len(splits.test)) == (180, 20, 30)
    np.testing.assert_array_equal(splits.test.images[..., 0], test[0])
    np.testing.assert_array_equal(splits.test.labels, test[1])
    np.testing.assert_array_equal(np.bincount(splits.val.labels), [2] * 10)  # stratified
    together = np.concatenate([splits.train.images, splits.val.images])[..., 0]
    assert sorted(map(bytes, together)) == sorted(map(bytes, train[0]))  # a partition
    assert splits.classes == tuple("0123456789") and not splits.flip


def test_fashion_mnist_names_its_classes(tmp_path, rng):
    root = write_mnist(tmp_path / "f", random_digits(rng, 60), random_digits(rng, 10))
    splits = load_data(f"fashion-mnist:{root}")
    assert splits.classes[0] == "T-shirt/top" and splits.classes[9] == "Ankle boot"
    assert splits.flip


def test_missing_files_listed_with_what_was_found(tmp_path, rng):
    root = write_mnist(tmp_path / "m", random_digits(rng, 20), random_digits(rng, 10))
    (root / "t10k-labels-idx1-ubyte.gz").unlink()
    (root / "notes.txt").write_text("hi")
    with pytest.raises(
        FileNotFoundError,
        match=r"missing t10k-labels-idx1-ubyte\[.gz\]; "
        r"found notes.txt, t10k-images",
    ):
        load_data(f"mnist:{root}")


def test_label_count_mismatch(tmp_path, rng):
    images, labels = random_digits(rng, 20)
    root = write_mnist(tmp_path / "m", (images, labels[:19]), random_digits(rng, 10))
    with pytest.raises(ValueError, match="must hold 20 labels"):
        load_data(f"mnist:{root}")


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_data(f"mnist:{tmp_path / 'nope'}")


def test_one_split_reads_only_its_own_files(tmp_path, rng):
    train, test = random_digits(rng, 60), random_digits(rng, 30)
    root = write_mnist(tmp_path / "m", train, test)
    whole = load_data(f"mnist:{root}")
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (root / name).unlink()
    arrays, classes = load_split(f"mnist:{root}", "test")
    np.testing.assert_array_equal(arrays.images, whole.test.images)
    np.testing.assert_array_equal(arrays.labels, whole.test.labels)
    assert classes == whole.classes
    for split in ("train", "val"):
        with pytest.raises(FileNotFoundError, match=r"for training \(train and val splits\)"):
            load_split(f"mnist:{root}", split)


def test_train_and_val_of_load_split_are_those_of_load_data(tmp_path, rng):
    root = write_mnist(tmp_path / "m", random_digits(rng, 60), random_digits(rng, 30))
    whole = load_data(f"fashion-mnist:{root}")
    (root / "t10k-images-idx3-ubyte.gz").unlink()
    for split in ("train", "val"):
        arrays, classes = load_split(f"fashion-mnist:{root}", split)
        np.testing.assert_array_equal(arrays.images, getattr(whole, split).images)
        assert classes == whole.classes
    with pytest.raises(FileNotFoundError, match="for the test split; missing t10k-images"):
        load_split(f"fashion-mnist:{root}", "test")


def test_labels_outside_the_classes_are_refused(tmp_path, rng):
    images, labels = random_digits(rng, 60)
    root = write_mnist(tmp_path / "m", (images, labels), (images[:10], labels[:10] + 5))
    with pytest.raises(ValueError, match=r"the test split of mnist:.* has labels 5\.\.14; its 10"):
        load_data(f"mnist:{root}")
    (root / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b junk")
    with pytest.raises(ValueError, match="is not a readable gzip file"):
        load_split(f"mnist:{root}", "test")
