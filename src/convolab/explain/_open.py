"""Opening a model for the page: any ``torch.nn.Module`` (:func:`explain`) or a trained run.

A trained run (``convolab train``, or torchvision-format weights with a model name) brings
its card: the class names, the preprocessing and the data set whose held-out images the page
bundles. A module built by hand brings what the call says: an example image (its size is the
canvas's), the class names, and a transform (a :class:`convolab.data.Preprocess`, or any
function from a uint8 image (H, W, C) to the model's input), by default the pixels scaled to
[0, 1] and resized to the example's size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from convolab._args import invalid, wrong_type
from convolab.data import Preprocess
from convolab.explain._explanation import Explanation
from convolab.explain._inputs import Example, InputSpec, held_out_examples

_EXAMPLE = "an image: a uint8 array (H, W) or (H, W, C), a float tensor (C, H, W) in [0, 1], a PIL image or an image file"  # noqa: E501


def _image(example) -> np.ndarray:
    """Any accepted example as uint8 (H, W, C) with 1 or 3 channels."""
    if isinstance(example, (str, Path)):
        from convolab.image import read_image

        example = read_image(example)
    if isinstance(example, torch.Tensor):
        if example.dim() != 3 or not example.is_floating_point():
            raise invalid("example", f"tensor of shape {tuple(example.shape)}", _EXAMPLE)
        example = (example.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()
    if type(example).__module__.startswith("PIL."):
        example = np.asarray(example.convert("RGB" if example.mode not in ("L",) else "L"))
    if not isinstance(example, np.ndarray):
        raise wrong_type("example", example, _EXAMPLE)
    image = example[..., None] if example.ndim == 2 else example
    if image.ndim != 3 or image.shape[2] not in (1, 3) or image.dtype != np.uint8:
        raise invalid("example", f"{image.dtype} array of shape {example.shape}", _EXAMPLE)
    return image


def _default_size(model: torch.nn.Module) -> tuple[int, int]:
    """A zoo model's default input size (its family's registry entry); else ask for one."""
    from convolab import models

    family = {models.LeNet5: "lenet5", models.AlexNet: "alexnet", models.VGG: "vgg11"}
    family[models.ResNet] = "resnet18"
    for cls, name in family.items():
        if isinstance(model, cls):
            return tuple(models.model_info(name).input_size)
    raise invalid("example", None, "an example image (its size is the model's input size)")


def _spec(model, image: np.ndarray | None, transform) -> InputSpec:
    if image is None:
        size = _default_size(model)
        channels = next((m.in_channels for m in model.modules() if hasattr(m, "in_channels")), 3)
        examples = ()
    else:
        size, channels = image.shape[:2], image.shape[2]
        examples = (Example("example", image),)
    from convolab.data._polarity import light_background

    dark = image is not None and not light_background(image)
    if transform is None:
        transform = Preprocess(
            tuple(size), channels, (0.0,) * channels, (1.0,) * channels, "resize"
        )
    if isinstance(transform, Preprocess):
        return InputSpec(tuple(size), transform.in_channels, transform, None, dark, examples)
    if not isinstance(transform, Callable):
        raise wrong_type("transform", transform, "a Preprocess or a function image -> tensor")
    return InputSpec(tuple(size), channels, None, transform, dark, examples)


def explain(model, example=None, classes=None, transform=None) -> Explanation:
    """Open any ``torch.nn.Module`` classifier of images for the explain page.

    Args:
        model: the network (left unchanged: it runs in eval mode without gradients), or a
            trained model from :func:`convolab.train.load_trained`.
        example: an image the page starts with and whose size its drawing canvas takes (see
            the module's docstring); optional for zoo models (their default input size).
        classes: one name per output; default ``'0'``, ``'1'``, ...
        transform: how an image reaches the model: a :class:`convolab.data.Preprocess`, or a
            function from a uint8 image (H, W, C) to a tensor (1, C, H, W); default: the
            pixels scaled to [0, 1] and resized to the example's size.

    Returns:
        An :class:`Explanation`: shown inline in Jupyter, ``.save(path)`` writes the page,
        ``.serve()`` serves it.
    """
    if hasattr(model, "card") and hasattr(model, "model"):  # a TrainedModel
        images = () if example is None else (_image(example),)
        return from_trained(model, images)
    if not isinstance(model, torch.nn.Module):
        raise wrong_type("model", model, "a torch.nn.Module")
    image = None if example is None else _image(example)
    return Explanation(model, _spec(model, image, transform), classes, type(model).__name__)


def from_trained(trained, images=(), labels=()) -> Explanation:
    """The page of a trained run: its card's classes and preprocessing, ``images`` (uint8
    (H, W, C), named by ``labels``) and the first held-out image of each class."""
    from convolab.data._polarity import dark_background_data

    card = trained.card
    prep = card.preprocess
    held = held_out_examples(card.data, card.classes, prep.input_size) if card.data else ()
    names = list(labels) + [f"image {i + 1}" for i in range(len(labels), len(images))]
    given = tuple(Example(name, image) for name, image in zip(names, images))
    canvas = held[0].image.shape[:2] if held else prep.input_size
    spec = InputSpec(
        tuple(canvas), prep.in_channels, prep, None, dark_background_data(card.data),
        given + tuple(held),
    )  # fmt: skip
    data = f" on {card.data}" if card.data else ""
    title = f"{card.model}{data} · {trained.source}"
    return Explanation(trained.model, spec, card.classes, title)
