"""Evaluating a trained model on a data split, and predicting the classes of image files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from convolab._args import as_choice, as_int, invalid
from convolab.data import SPLITS, BatchLoader, DataSplits, load_split, model_input
from convolab.train._engine import Step, evaluate_batches
from convolab.train._metrics import EvalResult
from convolab.train._trained import TrainedModel


def evaluate(
    trained: TrainedModel,
    data: str | DataSplits = "digits",
    *,
    split: str = "test",
    batch_size: int = 256,
    device: str | torch.device = "cpu",
    max_pixels: int | None = None,
) -> EvalResult:
    """Loss, accuracy, per-class precision/recall and confusion of ``trained`` on ``split``.

    A data spec reads only the files of ``split`` (``mnist:DIR`` with just the two ``t10k``
    files evaluates the test split); ``max_pixels`` limits a ``folder:`` set's images.
    """
    as_choice(split, "split", SPLITS)
    as_int(batch_size, "batch_size", minimum=1)
    card = trained.card
    if isinstance(data, str):
        size = card.preprocess.input_size
        name, (arrays, classes) = data, load_split(data, split, size=size, max_pixels=max_pixels)
    else:
        name, arrays, classes = data.name, getattr(data, split), data.classes
    if len(classes) != len(card.classes):
        raise invalid(
            "data",
            name,
            f"a data set with the model's {len(card.classes)} classes, not {len(classes)}",
        )
    device = torch.device(device)
    step = Step(trained.model.to(device), device, card.preprocess)
    loader = BatchLoader(arrays, batch_size, shuffle=False)
    loss_sum, confusion = evaluate_batches(step, loader, len(card.classes))
    confusion = confusion.round().long().cpu().numpy()
    return EvalResult(float(loss_sum) / max(int(confusion.sum()), 1), confusion, card.classes)


def read_image(path: str | Path, channels: int, *, max_pixels: int | None = None) -> np.ndarray:
    """An image file as uint8 (H, W, channels), grayscale or RGB.

    Read by :func:`convolab.image.read_image`: 16-bit scaled, alpha over white, at most
    ``max_pixels`` pixels (default ``convolab.image.DEFAULT_MAX_PIXELS``).
    """
    from convolab.image import read_image as read

    pixels = read(path, mode="L" if channels == 1 else "RGB", max_pixels=max_pixels)
    return pixels.reshape(pixels.shape[0], pixels.shape[1], channels)  # (H, W, C)


@torch.no_grad()
def predict(
    trained: TrainedModel, images, *, k: int = 5, batch_size: int = 64
) -> list[list[tuple[str, float]]]:
    """Top-``k`` (class, probability) pairs per image, most probable first.

    ``images`` are file paths or uint8 arrays (H, W, C), each at any size; they go through
    the model ``batch_size`` at a time, on the model's device.
    """
    k = min(as_int(k, "k", minimum=1), len(trained.card.classes))
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    prep, model = trained.card.preprocess, trained.model.eval()
    device = next(model.parameters()).device
    images, results = list(images), []
    for start in range(0, len(images), batch_size):
        chunk = [
            image if isinstance(image, np.ndarray) else read_image(image, prep.in_channels)
            for image in images[start : start + batch_size]
        ]
        x = torch.cat([model_input(image, prep, device) for image in chunk])  # (B, C, H, W)
        top = model(x).softmax(1).topk(k, dim=1)  # values, indices: (B, k) each
        results += [
            [(trained.card.classes[int(i)], float(p)) for p, i in zip(values, indices)]
            for values, indices in zip(top.values, top.indices)
        ]
    return results
