"""Checkpoints written atomically and read without running pickled code.

``last.pt``/``best.pt`` hold the full training state (model, optimizer, scheduler, RNG,
history, config and model card) as tensors and plain containers, so
``torch.load(weights_only=True)`` reads them; ``model.safetensors`` holds the weights with the
model card in its metadata. A file that needs anything else to unpickle is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import torch

from convolab._args import InvalidValueError
from convolab._io import atomic_path
from convolab._safeload import CHECKPOINT_FORMAT as FORMAT
from convolab._safeload import safetensors_load, torch_load
from convolab.train._card import ModelCard


def save_checkpoint(path: str | Path, state: dict) -> None:
    """``torch.save`` to a temporary file renamed onto ``path``: never a half-written file."""
    with atomic_path(path) as tmp:
        torch.save({"format": FORMAT, **state}, tmp)


def load_checkpoint(path: str | Path) -> dict:
    """A convolab training checkpoint (``last.pt``/``best.pt``), read safely."""
    state = torch_load(path, "checkpoint")
    if not isinstance(state, Mapping) or state.get("format") != FORMAT:
        raise InvalidValueError(
            f"{str(path)!r} is not a convolab training checkpoint "
            f"(expected a dict with format {FORMAT!r})"
        )
    return dict(state)


def save_weights(path: str | Path, model: torch.nn.Module, card: ModelCard) -> None:
    """Weights as safetensors, with the model card as JSON under metadata key 'convolab'."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        mode = tmp.stat().st_mode  # what the umask gives a new file (atomic_path sets it)
        save_file(tensors, str(tmp), metadata={"convolab": json.dumps(card.to_dict())})
        os.chmod(tmp, mode)  # safetensors creates its file 0600 whatever the umask


def read_weights(path: str | Path) -> tuple[dict, ModelCard | None]:
    """(state dict, model card or None) of a ``.safetensors`` file."""
    state, meta = safetensors_load(path, "weights file")
    if "convolab" not in meta:
        return state, None
    try:
        card = json.loads(meta["convolab"])
    except ValueError:
        raise InvalidValueError(
            f"{str(path)!r} has a damaged model card: its 'convolab' metadata is not JSON"
        ) from None
    return state, ModelCard.from_dict(card, str(path))
