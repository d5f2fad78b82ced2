"""Batch transforms: uint8 images at native size -> normalised float tensors at model size.

Everything runs on whole batches, on the training device, so the data pipeline costs a few
tensor ops per step: scale to [0, 1], adapt channels (grayscale <-> RGB), pad or resize to
the model's input (torchvision), augment while training (:mod:`convolab.data._augment`), then
normalise with the training set's per-channel mean and standard deviation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torchvision.transforms.v2.functional as TF

from convolab._args import as_choice, invalid
from convolab.data._augment import Augment, augment_batch

FITS = ("auto", "resize", "pad")
# "auto" pads (centred, black) an image that is at least this share of the input on each
# side and no larger, e.g. MNIST 28x28 into LeNet-5's 32x32 as LeCun et al. (1998) did;
# anything else is resized.
PAD_MIN_SHARE = 0.8
# Grayscale weights of ITU-R 601-2 luma, as in torchvision's rgb_to_grayscale.
_LUMA = (0.2989, 0.587, 0.114)


@dataclass(frozen=True)
class Preprocess:
    """How a model sees its images; saved with every checkpoint so eval/predict agree.

    Attributes
    ----------
    input_size : (int, int)
        (H, W) of the model's input.
    in_channels : int
        1 (grayscale) or 3 (RGB) channels of the model's input.
    mean, std : tuple of float
        Per-channel statistics of the training set, in [0, 1] units, one per input channel.
    fit : str
        ``"pad"`` (centre on a black canvas) or ``"resize"`` (bilinear, antialiased).
    """

    input_size: tuple[int, int]
    in_channels: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    fit: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Preprocess:
        return cls(
            tuple(d["input_size"]),
            int(d["in_channels"]),
            tuple(d["mean"]),
            tuple(d["std"]),
            d["fit"],
        )


def choose_fit(native: tuple[int, int], input_size: tuple[int, int], fit: str = "auto") -> str:
    """``"pad"`` or ``"resize"`` for images of size ``native`` going into ``input_size``."""
    as_choice(fit, "fit", FITS)
    if fit != "auto":
        return fit
    fits = all(PAD_MIN_SHARE * t <= n <= t for n, t in zip(native, input_size))
    return "pad" if fits else "resize"


def adapt_channels(x, in_channels: int):
    """(N, C, H, W) float -> (N, in_channels, H, W): gray repeated to RGB, RGB to luma."""
    c = x.shape[1]
    if c == in_channels:
        return x
    if c == 1 and in_channels == 3:
        return x.expand(-1, 3, -1, -1)  # (N, 3, H, W)
    if c == 3 and in_channels == 1:
        weights = x.new_tensor(_LUMA).view(1, 3, 1, 1)
        return (x * weights).sum(1, keepdim=True)  # (N, 1, H, W)
    raise invalid("images", f"{c} channels", f"1 or 3 channels for a {in_channels}-channel model")


def channel_stats(images: np.ndarray, in_channels: int, chunk: int = 4096) -> tuple:
    """Per-channel mean and std in [0, 1] of uint8 images (N, H, W, C) seen by the model."""
    total = torch.zeros(in_channels, dtype=torch.float64)
    squares = torch.zeros(in_channels, dtype=torch.float64)
    for start in range(0, len(images), chunk):
        x = torch.from_numpy(images[start : start + chunk]).permute(0, 3, 1, 2)  # (n, C, H, W)
        x = adapt_channels(x.double() / 255.0, in_channels)
        total += x.sum((0, 2, 3))
        squares += (x * x).sum((0, 2, 3))
    count = images.shape[0] * images.shape[1] * images.shape[2]
    mean = total / count
    std = (squares / count - mean * mean).clamp_min(1e-12).sqrt()
    return tuple(round(float(m), 6) for m in mean), tuple(round(float(s), 6) for s in std)


def to_model_size(images, prep: Preprocess):
    """uint8 images (N, C, h, w) -> float (N, in_channels, H, W) in [0, 1], padded or resized.

    Images larger than the input are resized even when ``prep.fit`` is ``"pad"``.
    """
    x = adapt_channels(images.float() / 255.0, prep.in_channels)  # (N, C', h, w)
    h, w = x.shape[-2:]
    H, W = prep.input_size
    if (h, w) != (H, W) and prep.fit == "pad" and h <= H and w <= W:
        top, left = (H - h) // 2, (W - w) // 2
        x = TF.pad(x, [left, top, W - w - left, H - h - top], fill=0.0)  # (N, C', H, W)
    elif (h, w) != (H, W):
        x = TF.resize(x, [H, W], antialias=True)  # (N, C', H, W)
    return x


def transform_batch(images, prep: Preprocess, augment: Augment | None = None, generator=None):
    """A batch -> normalised float32 (N, in_channels, H, W) model input, on its device.

    ``images`` are uint8 (N, C, h, w) at any size, or floats already through
    :func:`to_model_size` (a loader may do that once for a whole split). ``generator`` (a CPU
    ``torch.Generator``) draws the augmentation: a seeded one gives the same batch every run.
    """
    x = images if images.is_floating_point() else to_model_size(images, prep)
    if augment is not None:
        x = augment_batch(x, augment, generator)
    return TF.normalize(x, list(prep.mean), list(prep.std))


def model_input(image: np.ndarray, prep: Preprocess, device: torch.device | str = "cpu"):
    """One uint8 image (H, W, C) at any size -> the model's input (1, in_channels, H', W').

    The single way an image reaches a model outside the training loop (``predict``,
    ``inspect``, the report): channels adapted, padded or resized, normalised as ``prep``
    says, on ``device``.
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.dtype != np.uint8:
        raise invalid(
            "image",
            f"{image.dtype} array of shape {image.shape}",
            "a uint8 array of shape (H, W, C)",
        )
    batch = torch.from_numpy(np.array(image)).permute(2, 0, 1)[None]  # a writable copy (1, C, H, W)
    return transform_batch(batch.to(device), prep)  # (1, in_channels, H', W')
