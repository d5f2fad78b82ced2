"""A trained model and its card, loaded from a run directory or a weights file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from convolab._args import InvalidValueError, invalid
from convolab._safeload import torch_load
from convolab.data import Preprocess
from convolab.train._card import ModelCard
from convolab.train._checkpoint import FORMAT, read_weights

# Statistics torchvision's ImageNet weights were trained with (used for foreign RGB weights;
# other channel counts get 0.5 and 0.5).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(repr=False)
class TrainedModel:
    """A model in eval mode on the CPU, with the card that says how to feed it."""

    model: torch.nn.Module
    card: ModelCard
    source: str

    def __repr__(self) -> str:
        return (
            f"TrainedModel({self.card.model!r}, {len(self.card.classes)} classes, "
            f"from {self.source!r})"
        )


WEIGHTS_SUFFIXES = (".safetensors", ".pt", ".pth")


def _weights_file(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"run directory or weights file {str(path)!r} does not exist")
    if not path.is_dir():
        if path.suffix.lower() not in WEIGHTS_SUFFIXES:
            raise InvalidValueError(
                f"{str(path)!r} is not a checkpoint (expected a run directory, "
                f".safetensors, .pt or .pth)"
            )
        return path
    for name in ("model.safetensors", "best.pt", "last.pt"):
        if (path / name).is_file():
            return path / name
    found = ", ".join(sorted(p.name for p in path.iterdir())) or "nothing"
    raise FileNotFoundError(
        f"run directory {str(path)!r} must hold model.safetensors, best.pt "
        f"or last.pt; found {found}"
    )


def _foreign(path: Path, model_name: str | None) -> TrainedModel:
    """Weights without a card (e.g. torchvision's): the model's default input preprocessing."""
    from convolab.models import create_model, model_info

    if model_name is None:
        raise InvalidValueError(
            f"{str(path)!r} carries no model card; pass the model name (--model NAME) to read it"
        )
    model = create_model(model_name, weights=path)  # sizes from the file, keys checked
    info = model_info(model_name)
    channels = model.get_submodule(model.stem).in_channels
    head = model.get_submodule(model.head)
    rgb = channels == 3
    prep = Preprocess(
        info.input_size,
        channels,
        IMAGENET_MEAN if rgb else (0.5,) * channels,
        IMAGENET_STD if rgb else (0.5,) * channels,
        "resize",
    )
    card = ModelCard(model_name, tuple(str(k) for k in range(head.out_features)), prep)
    return TrainedModel(model.eval(), card, str(path))


def _read(path: Path) -> tuple[dict, ModelCard | None]:
    """(state dict, model card or None) of a weights file of any suffix."""
    if path.suffix.lower() == ".safetensors":
        return read_weights(path)
    state, card = torch_load(path, "checkpoint"), None
    if isinstance(state, dict) and state.get("format") == FORMAT:  # a convolab checkpoint
        state, card = state.get("model"), ModelCard.from_dict(state.get("card"), str(path))
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise InvalidValueError(f"{str(path)!r} must hold a state dict (names -> tensors)")
    return state, card


def _check_model_name(card: ModelCard, model_name: str | None, path: Path) -> None:
    """Refuse a ``model_name`` that contradicts the model the card says was trained."""
    if model_name is not None and model_name != card.model:
        raise invalid(
            "model",
            model_name,
            f"{card.model!r} (or left out): {str(path)!r} holds a trained {card.model}",
        )


def load_trained(path: str | Path, model_name: str | None = None) -> TrainedModel:
    """Load a run directory, ``.safetensors``, ``.pt`` checkpoint or ``.pth`` state dict.

    A run directory gives its ``model.safetensors`` (the final weights), else ``best.pt``.
    Files without a convolab model card need ``model_name``; for files with one,
    ``model_name`` may be left out and must otherwise name the card's model.
    """
    from convolab.models._weights import check_state_dict

    path = _weights_file(Path(path))
    state, card = _read(path)
    if card is None:
        return _foreign(path, model_name)
    _check_model_name(card, model_name, path)
    model = card.build()
    model.load_state_dict(check_state_dict(state, model, f"{str(path)!r}'s model card"))
    return TrainedModel(model.eval(), card, str(path))
