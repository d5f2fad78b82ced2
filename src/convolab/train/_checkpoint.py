"""Checkpoints written atomically and read without running pickled code.

``last.pt``/``best.pt`` hold the full training state (model, optimizer, scheduler, RNG,
history, config and model card) as tensors and plain containers, so
``torch.load(weights_only=True)`` reads them; ``model.safetensors`` holds the weights with the
model card in its metadata. A file that needs anything else to unpickle is refused.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from pathlib import Path

import torch

from convolab._io import atomic_path
from convolab.train._card import ModelCard

FORMAT = "convolab-checkpoint-1"


def save_checkpoint(path: str | Path, state: dict) -> None:
    """``torch.save`` to a temporary file renamed onto ``path``: never a half-written file."""
    with atomic_path(path) as tmp:
        torch.save({"format": FORMAT, **state}, tmp)


def safe_torch_load(path: str | Path) -> object:
    """``torch.load(path, weights_only=True)``, with a clear error for an unsafe pickle."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "No such checkpoint", str(path))
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ValueError(
            f"refusing to load {str(path)!r}: it holds more than tensors and unpickling it "
            f"could run code"
        ) from None
    except Exception:  # zip, struct and EOF errors of a truncated or foreign file
        raise ValueError(
            f"{str(path)!r} is not a checkpoint: torch.load cannot read it "
            f"(truncated, or not written by torch.save)"
        ) from None


def load_checkpoint(path: str | Path) -> dict:
    """A convolab training checkpoint (``last.pt``/``best.pt``), read safely."""
    state = safe_torch_load(path)
    if not isinstance(state, Mapping) or state.get("format") != FORMAT:
        raise ValueError(
            f"{str(path)!r} is not a convolab training checkpoint "
            f"(expected a dict with format {FORMAT!r})"
        )
    return dict(state)


def save_weights(path: str | Path, model: torch.nn.Module, card: ModelCard) -> None:
    """Weights as safetensors, with the model card as JSON under metadata key 'convolab'."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={"convolab": json.dumps(card.to_dict())})


def read_weights(path: str | Path) -> tuple[dict, ModelCard | None]:
    """(state dict, model card or None) of a ``.safetensors`` file."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        state = load_file(str(path), device="cpu")
    except Exception as exc:  # safetensors raises its own SafetensorError for bad headers
        raise ValueError(f"{str(path)!r} is not a readable safetensors file: {exc}") from None
    card = ModelCard.from_dict(json.loads(meta["convolab"])) if "convolab" in meta else None
    return state, card
