"""A trained model and its card, loaded from a run directory or a weights file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from convolab.data import Preprocess
from convolab.train._card import ModelCard
from convolab.train._checkpoint import FORMAT, read_weights, safe_torch_load

# Statistics torchvision's ImageNet weights were trained with (used for foreign weights).
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
            raise ValueError(
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


def _foreign_card(model_name: str | None, state: dict, path: Path) -> ModelCard:
    """A card for weights without one (e.g. torchvision's): the model's default input."""
    from convolab.models import model_info

    if model_name is None:
        raise ValueError(
            f"{str(path)!r} carries no model card; pass the model name (--model NAME) to read it"
        )
    info = model_info(model_name)
    num_classes = next(v.shape[0] for v in reversed(list(state.values())) if v.dim() >= 1)
    gray = info.in_channels == 1
    prep = Preprocess(
        info.input_size,
        info.in_channels,
        (0.5,) if gray else IMAGENET_MEAN,
        (0.5,) if gray else IMAGENET_STD,
        "resize",
    )
    return ModelCard(model_name, tuple(str(k) for k in range(num_classes)), prep)


def load_trained(path: str | Path, model_name: str | None = None) -> TrainedModel:
    """Load a run directory, ``.safetensors``, ``.pt`` checkpoint or ``.pth`` state dict.

    A run directory gives its ``model.safetensors`` (the final weights), else ``best.pt``.
    Files without a convolab model card need ``model_name``.
    """
    path = _weights_file(Path(path))
    if path.suffix.lower() == ".safetensors":
        state, card = read_weights(path)
    else:
        loaded = safe_torch_load(path)
        is_checkpoint = isinstance(loaded, dict) and loaded.get("format") == FORMAT
        state = loaded["model"] if is_checkpoint else loaded
        card = ModelCard.from_dict(loaded["card"]) if is_checkpoint else None
        if not isinstance(state, dict):
            raise ValueError(f"{str(path)!r} must hold a state dict (names -> tensors)")
    card = card or _foreign_card(model_name, state, path)
    model = card.build()
    model.load_state_dict(state)
    return TrainedModel(model.eval(), card, str(path))
