"""ImageFolder directories and the bundled digits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from convolab.data import load_data, parse_spec, stratified_split
from convolab.data._arrays import min_class_size


def _write_folder(root, rng, per_class=10, mode="RGB", size=(12, 9)):
    for name in ("cat", "dog", "eel"):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
            Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(
                root / name / f"{i}.png"
            )


def test_folder_split_70_10_20(tmp_path, rng):
    _write_folder(tmp_path / "f", rng)
    splits = load_data(f"folder:{tmp_path / 'f'}", size=(8, 6))
    assert splits.classes == ("cat", "dog", "eel")
    assert (len(splits.train), len(splits.val), len(splits.test)) == (21, 3, 6)
    assert splits.train.images.shape[1:] == (8, 6, 3)
    np.testing.assert_array_equal(np.bincount(splits.test.labels), [2, 2, 2])


def test_folder_with_train_and_test_and_grayscale(tmp_path, rng):
    _write_folder(tmp_path / "f" / "train", rng, mode="L")
    _write_folder(tmp_path / "f" / "test", rng, per_class=2, mode="L", size=(9, 12))
    splits = load_data(f"folder:{tmp_path / 'f'}", size=(12, 9))  # test images are 12x9
    assert (len(splits.train), len(splits.val), len(splits.test)) == (27, 3, 6)
    assert splits.test.images.shape[1:] == (12, 9, 1)
    with Image.open(tmp_path / "f" / "test" / "dog" / "1.png") as im:
        np.testing.assert_array_equal(splits.test.images[3, ..., 0], np.asarray(im))


def test_folder_errors(tmp_path, rng):
    (tmp_path / "empty" / "a").mkdir(parents=True)
    (tmp_path / "empty" / "a" / "x.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"one sub-folder per class.*found a"):
        load_data(f"folder:{tmp_path / 'empty'}")
    _write_folder(tmp_path / "f", rng)
    (tmp_path / "f" / "cat" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=r"cannot read image .*broken\.png"):
        load_data(f"folder:{tmp_path / 'f'}")


def test_digits_split_is_fixed_stratified_and_real():
    from sklearn.datasets import load_digits

    a, b = load_data("digits"), load_data()
    assert (len(a.train), len(a.val), len(a.test)) == (1259, 179, 359)
    for part in ("train", "val", "test"):
        np.testing.assert_array_equal(getattr(a, part).images, getattr(b, part).images)
    counts = np.bincount(load_digits().target)
    np.testing.assert_allclose(np.bincount(a.test.labels), 0.2 * counts, atol=1)
    everything = np.concatenate([a.train.images, a.val.images, a.test.images])[..., 0]
    expected = np.rint(load_digits().images * 255 / 16).astype(np.uint8)
    assert sorted(map(bytes, everything)) == sorted(map(bytes, expected))


@pytest.mark.parametrize(
    "spec, error, match",
    [
        ("imagenet:/x", ValueError, "data kind must be one of 'digits'"),
        ("digits:/x", ValueError, "'digits' alone"),
        ("mnist", ValueError, r"'mnist:DIR'"),
        ("cifar10:", ValueError, r"'cifar10:DIR'"),
        (3, TypeError, "data must be a data spec string"),
    ],
)
def test_bad_specs(spec, error, match):
    with pytest.raises(error, match=match):
        parse_spec(spec)


def test_folder_with_one_class_is_refused_before_decoding(tmp_path, rng):
    _write_folder(tmp_path / "f", rng)
    for name in ("dog", "eel"):
        for f in (tmp_path / "f" / name).iterdir():
            f.unlink()
    with pytest.raises(ValueError, match=r"at least 2 classes .* found 1: cat"):
        load_data(f"folder:{tmp_path / 'f'}")


@pytest.mark.parametrize(
    "layout, count, need, parts",
    [("flat", 5, 6, "70/10/20 train/val/test"), ("train", 5, 6, "90/10 train/val")],
)
def test_class_with_too_few_images_is_named(tmp_path, rng, layout, count, need, parts):
    root = tmp_path / "f"
    _write_folder(root / "train" if layout == "train" else root, rng)
    if layout == "train":
        _write_folder(root / "test", rng, per_class=1)
    dog = (root / "train" if layout == "train" else root) / "dog"
    for f in sorted(dog.iterdir())[count:]:
        f.unlink()
    with pytest.raises(
        ValueError,
        match=rf"class 'dog' of folder .* has {count} images, too few for the "
        rf"{parts} split: each class needs at least {need}",
    ):
        load_data(f"folder:{root}")


@pytest.mark.parametrize("fractions", [(0.7, 0.1, 0.2), (0.9, 0.1), (0.5, 0.5), (0.8, 0.15, 0.05)])
def test_min_class_size_is_the_smallest_count_that_fills_every_part(fractions):
    need = min_class_size(fractions)
    for n in range(1, need + 30):
        labels = np.zeros(n, np.int64)
        filled = all(len(p) >= 1 for p in stratified_split(labels, fractions, seed=0))
        assert filled == (n >= need), n
