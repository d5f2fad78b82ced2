"""The model registry: builders register with a decorator and are found by name.

``create_model`` and ``list_models`` are the only way the CLI, the summary and the trainer
find a model, so a builder is usable everywhere the moment it is decorated (timm's
``register_model`` pattern).
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

from convolab._args import as_int, invalid, wrong_type

_BUILDERS: dict[str, Callable] = {}
_META: dict[str, dict] = {}


@dataclass(frozen=True)
class ModelInfo:
    """What a registered model expects, without building it."""

    name: str  # registry name, e.g. 'resnet50'
    input_size: tuple[int, int]  # default (H, W) input, e.g. (224, 224)
    in_channels: int  # default number of input channels
    num_classes: int  # default number of classes
    paper: str  # the paper the architecture comes from
    min_input_size: tuple[int, int]  # smallest (H, W) its convolutions and poolings accept


def register_model(*, paper: str, input_size: tuple[int, int]) -> Callable:
    """Decorator registering a builder under its function name.

    ``num_classes`` and ``in_channels`` defaults are read from the builder's signature, so
    they are written once.
    """

    def decorator(builder: Callable) -> Callable:
        name = builder.__name__
        if name in _BUILDERS:
            raise invalid("builder name", name, "a name not registered yet")
        _BUILDERS[name] = builder
        _META[name] = {"paper": paper, "input_size": tuple(input_size)}
        return builder

    return decorator


def _natural_key(name: str) -> list:
    """'resnet18' < 'resnet101': digits compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def list_models(pattern: str = "*") -> list[str]:
    """Registered model names matching a shell-style ``pattern``, in natural order."""
    if not isinstance(pattern, str):
        raise wrong_type("pattern", pattern, "a shell-style pattern string such as 'resnet*'")
    return sorted(fnmatch.filter(_BUILDERS, pattern), key=_natural_key)


def _builder(name: object) -> Callable:
    if not isinstance(name, str):
        raise wrong_type("model", name, "a registered model name string")
    if name not in _BUILDERS:
        close = difflib.get_close_matches(name, list(_BUILDERS), n=5, cutoff=0.6)
        hint = f" (close matches: {', '.join(close)})" if close else ""
        raise invalid(
            "model",
            name,
            f"a registered model name, as `convolab models` (or convolab.models.list_models())"
            f" lists them{hint}",
        )
    return _BUILDERS[name]


def create_model(
    name: str,
    *,
    weights=None,
    num_classes: int | None = None,
    in_channels: int | None = None,
    **kwargs,
):
    """Build a registered model, optionally loading a local torchvision-format weights file.

    Args:
        name: a name from :func:`list_models`, e.g. ``'resnet18'``.
        weights: path to a ``.pth`` (state dict, loaded with ``weights_only=True``) or
            ``.safetensors`` file; keys and shapes as in torchvision's model of that name.
        num_classes: classes of the head. ``None``: the weights file's head size, or the
            builder's default. A different size than the file's gets a new, freshly
            initialised head (transfer learning).
        in_channels: channels of the input. ``None``: the file's, or the builder's default. A
            different count than the file's adapts the first convolution (see
            :func:`convolab.models.adapt_state_dict`).
        **kwargs: passed to the builder (e.g. ``variant='modern'`` for ``lenet5``).
    """
    builder = _builder(name)
    if weights is None:
        sizes = {
            k: v
            for k, v in (("num_classes", num_classes), ("in_channels", in_channels))
            if v is not None
        }
        return builder(**_checked_sizes(sizes), **kwargs)
    from convolab.models._weights import load_weights

    return load_weights(
        builder, weights, num_classes=num_classes, in_channels=in_channels, **kwargs
    )


def _checked_sizes(sizes: dict) -> dict:
    return {key: as_int(value, key, minimum=1) for key, value in sizes.items()}


def model_info(name: str) -> ModelInfo:
    """Default input size, channels, classes, paper and minimum input size of a model."""
    return _model_info(_builder(name).__name__)


@functools.cache
def _model_info(name: str) -> ModelInfo:
    import torch

    builder = _BUILDERS[name]
    defaults = {k: p.default for k, p in inspect.signature(builder).parameters.items()}
    with torch.device("meta"):  # shapes only: no memory, no initialisation cost
        model = builder()
    return ModelInfo(
        name=name,
        input_size=_META[name]["input_size"],
        in_channels=defaults["in_channels"],
        num_classes=defaults["num_classes"],
        paper=_META[name]["paper"],
        min_input_size=tuple(model.min_input_size),
    )
