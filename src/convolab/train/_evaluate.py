"""Evaluating a trained model on a data split, and predicting the classes of image files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from convolab._args import InvalidValueError, as_choice, as_int, invalid
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
) -> EvalResult:
    """Loss, accuracy, per-class precision/recall and confusion of ``trained`` on ``split``.

    A data spec reads only the files of ``split`` (``mnist:DIR`` with just the two ``t10k``
    files evaluates the test split).
    """
    as_choice(split, "split", SPLITS)
    as_int(batch_size, "batch_size", minimum=1)
    card = trained.card
    if isinstance(data, str):
        name, (arrays, classes) = data, load_split(data, split, size=card.preprocess.input_size)
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


def _eight_bit(im):
    """16-bit grayscale (Pillow modes I;16*, I) scaled to 8 bits, value / 257 rounded.

    Pillow's own convert("L") clips such values at 255 instead of scaling them.
    """
    from PIL import Image

    if not (im.mode.startswith("I;16") or im.mode == "I"):
        return im
    wide = np.asarray(im, dtype=np.float64)  # (H, W), 0..65535
    return Image.fromarray(np.clip(np.rint(wide / 257), 0, 255).astype(np.uint8))


def read_image(path: str | Path, channels: int) -> np.ndarray:
    """An image file as uint8 (H, W, channels), grayscale or RGB."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            pixels = np.array(
                _eight_bit(im).convert("L" if channels == 1 else "RGB"), dtype=np.uint8
            )
    except FileNotFoundError:
        raise FileNotFoundError(2, "No such image file", str(path)) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidValueError(f"cannot read image {str(path)!r}: {exc}") from None
    return pixels.reshape(pixels.shape[0], pixels.shape[1], channels)  # (H, W, C)


@torch.no_grad()
def predict(trained: TrainedModel, images, *, k: int = 5) -> list[list[tuple[str, float]]]:
    """Top-``k`` (class, probability) pairs per image, most probable first.

    ``images`` are file paths or uint8 arrays (H, W, C), each at any size.
    """
    k = min(as_int(k, "k", minimum=1), len(trained.card.classes))
    prep, model = trained.card.preprocess, trained.model.eval()
    device = next(model.parameters()).device
    results = []
    for image in images:
        if not isinstance(image, np.ndarray):
            image = read_image(image, prep.in_channels)
        probs = model(model_input(image, prep, device)).softmax(1)[0]  # (K,)
        top = probs.topk(k)
        results.append(
            [(trained.card.classes[int(i)], float(p)) for p, i in zip(top.values, top.indices)]
        )
    return results
