"""Batch transforms against torch references, the seeded split and the sharded loader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convolab.data import (
    Augment,
    BatchLoader,
    ImageArrays,
    Preprocess,
    channel_stats,
    choose_fit,
    stratified_split,
    transform_batch,
)
from convolab.data._augment import random_shift


def _prep(size, channels, fit, mean=0.0, std=1.0):
    return Preprocess(size, channels, (mean,) * channels, (std,) * channels, fit)


def _batch(n=4, c=1, h=8, w=8, seed=0):
    return torch.randint(
        0, 256, (n, c, h, w), dtype=torch.uint8, generator=torch.Generator().manual_seed(seed)
    )


def test_resize_matches_interpolate_and_normalises():
    images = _batch()
    x = transform_batch(images, _prep((32, 32), 1, "resize", 0.3, 0.4))
    ref = F.interpolate(
        images.float() / 255, size=(32, 32), mode="bilinear", align_corners=False, antialias=True
    )
    torch.testing.assert_close(x, (ref - 0.3) / 0.4, atol=1e-5, rtol=1e-5)


def test_pad_centres_on_black():
    images = _batch(h=28, w=28)
    x = transform_batch(images, _prep((32, 32), 1, "pad"))
    torch.testing.assert_close(x[..., 2:30, 2:30], images.float() / 255)
    assert x[..., :2, :].abs().sum() == 0 and x[..., :, 30:].abs().sum() == 0


def test_channels_gray_to_rgb_and_back():
    gray = _batch(c=1)
    rgb = transform_batch(gray, _prep((8, 8), 3, "resize"))
    torch.testing.assert_close(rgb, (gray.float() / 255).expand(-1, 3, -1, -1))
    colour = _batch(c=3)
    luma = transform_batch(colour, _prep((8, 8), 1, "resize"))
    weights = torch.tensor([0.2989, 0.587, 0.114]).view(1, 3, 1, 1)
    torch.testing.assert_close(luma, (colour.float() / 255 * weights).sum(1, keepdim=True))


@pytest.mark.parametrize(
    "native, size, fit",
    [
        ((28, 28), (32, 32), "pad"),
        ((8, 8), (32, 32), "resize"),
        ((32, 32), (224, 224), "resize"),
        ((40, 40), (32, 32), "resize"),
    ],
)
def test_choose_fit(native, size, fit):
    assert choose_fit(native, size) == fit
    assert choose_fit(native, size, "pad") == "pad"


def test_channel_stats_match_numpy(rng):
    images = rng.integers(0, 256, (50, 6, 5, 3), dtype=np.uint8)
    mean, std = channel_stats(images, 3, chunk=7)
    np.testing.assert_allclose(mean, (images / 255).mean((0, 1, 2)), atol=1e-6)
    np.testing.assert_allclose(std, (images / 255).std((0, 1, 2)), atol=1e-6)
    gray_mean, _ = channel_stats(images, 1)
    luma = (images / 255) @ np.array([0.2989, 0.587, 0.114])
    np.testing.assert_allclose(gray_mean, [luma.mean()], atol=1e-6)


def test_augment_identity_and_seeded():
    images, prep = _batch(h=32, w=32), _prep((32, 32), 1, "resize")
    still = Augment(shift=0)
    torch.testing.assert_close(
        transform_batch(images, prep, still, torch.Generator()), transform_batch(images, prep)
    )
    for augment in (Augment(), Augment(degrees=10, translate=0.1, scale=0.1, flip=True)):
        a, b = (
            transform_batch(images, prep, augment, torch.Generator().manual_seed(5))
            for _ in range(2)
        )
        torch.testing.assert_close(a, b, atol=0, rtol=0)
        c = transform_batch(images, prep, augment, torch.Generator().manual_seed(6))
        assert not torch.equal(a, c)


def _shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` (C, H, W) moved down dy and right dx pixels, black entering (NumPy)."""
    out = np.zeros_like(image)
    h, w = image.shape[-2:]
    out[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = image[
        :, max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


@given(st.integers(1, 6), st.integers(1, 3), st.integers(3, 12), st.integers(3, 12), st.data())
def test_shift_copies_whole_pixels_within_the_bound(n, c, h, w, data):
    x = torch.rand(n, c, h, w, generator=torch.Generator().manual_seed(h * w))
    py, px = data.draw(st.integers(0, h)), data.draw(st.integers(0, w))
    out = random_shift(x, (py, px), torch.Generator().manual_seed(data.draw(st.integers(0, 99))))
    for image, moved in zip(x.numpy(), out.numpy()):  # some (dy, dx) in range gives it exactly
        matches = [
            (dy, dx)
            for dy in range(-py, py + 1)
            for dx in range(-px, px + 1)
            if np.array_equal(_shifted(image, dy, dx), moved)
        ]
        assert matches


def test_shift_draws_every_offset():
    x = torch.zeros(400, 1, 5, 5)
    x[:, :, 2, 2] = 1.0  # one lit pixel: where it lands is the offset
    out = random_shift(x, (2, 1), torch.Generator().manual_seed(0))
    rows, cols = (
        out[:, 0].flatten(1).argmax(1).div(5, rounding_mode="floor"),
        out[:, 0].flatten(1).argmax(1) % 5,
    )
    assert set(zip((rows - 2).tolist(), (cols - 2).tolist())) == {
        (dy, dx) for dy in range(-2, 3) for dx in range(-1, 2)
    }
    assert out.sum() == 400  # nothing lost, nothing blurred


def test_default_shift_is_2_pixels_at_32_and_never_blurs():
    images = torch.randint(0, 256, (64, 1, 32, 32), dtype=torch.uint8)
    prep = _prep((32, 32), 1, "resize")
    out = transform_batch(images, prep, Augment(), torch.Generator().manual_seed(1))
    values = set(torch.unique(images.float() / 255).tolist()) | {0.0}
    assert set(torch.unique(out).tolist()) <= values  # copied pixels and black only
    for image, moved in zip(images.float().numpy() / 255, out.numpy()):
        assert any(
            np.array_equal(_shifted(image, dy, dx), moved)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
        )


def test_augment_flip_mirrors():
    images, prep = _batch(n=64, h=16, w=16), _prep((16, 16), 1, "resize")
    flipped = transform_batch(images, prep, Augment(shift=0, flip=True), torch.Generator())
    plain = transform_batch(images, prep)
    mirrored = [torch.equal(f, p.flip(-1)) for f, p in zip(flipped, plain)]
    kept = [torch.equal(f, p) for f, p in zip(flipped, plain)]
    assert all(m or k for m, k in zip(mirrored, kept)) and 10 < sum(mirrored) < 54


@given(st.lists(st.integers(0, 4), min_size=1, max_size=80), st.integers(0, 2**16))
def test_stratified_split_partitions_each_class(labels, seed):
    labels = np.array(labels)
    parts = stratified_split(labels, (0.7, 0.1, 0.2), seed)
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(len(labels)))
    for k in np.unique(labels):
        n = (labels == k).sum()
        sizes = [(labels[p] == k).sum() for p in parts]
        assert sizes[1:] == [round(0.1 * n), round(0.2 * n)]
    again = stratified_split(labels, (0.7, 0.1, 0.2), seed)
    assert all(np.array_equal(p, q) for p, q in zip(parts, again))


def _arrays(n):
    return ImageArrays(np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1), np.arange(n) % 3)


def test_loader_epoch_order_depends_on_seed_plus_epoch():
    def order(seed, epoch):
        loader = BatchLoader(_arrays(50), 8, shuffle=True, seed=seed)
        loader.set_epoch(epoch)
        return torch.cat([x.flatten() for x, _ in loader]).tolist()

    assert order(1, 2) == order(1, 2) != order(1, 3)
    assert len(order(1, 2)) == 48 and len(set(order(1, 2))) == 48  # last partial batch dropped
    g = torch.Generator().manual_seed(1 + 2)  # DistributedSampler's rule: seed + epoch
    assert order(1, 2) == torch.randperm(50, generator=g)[:48].tolist()


def test_loader_shards_cover_the_split_once():
    seen = [
        int(x)
        for rank in range(3)
        for images, _ in BatchLoader(_arrays(20), 4, shuffle=False, rank=rank, world=3)
        for x in images.flatten()
    ]
    assert sorted(seen) == list(range(20))
    train = [
        set(
            torch.cat(
                [x.flatten() for x, _ in BatchLoader(_arrays(40), 5, shuffle=True, rank=r, world=2)]
            ).tolist()
        )
        for r in range(2)
    ]
    assert not train[0] & train[1] and len(train[0] | train[1]) == 40
