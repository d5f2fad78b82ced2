"""Loading local torchvision-format weight files, adapted for transfer learning.

A file holds a state dict with torchvision's keys (``.pth`` read with
``torch.load(weights_only=True)``, so no pickled code runs, or ``.safetensors``). Two
differences from the model being built are adapted, everything else must match exactly:

- the head (``model.head``): a different ``num_classes`` keeps the model's fresh head;
- the stem (``model.stem``, the first convolution): a different ``in_channels`` sums the
  file's kernels over their input channels and spreads the sum evenly over the new
  channels, ``w_new[:, c] = sum_i w[:, i] / C_new``. For one channel this is the sum; in
  general an input whose channels are all equal (a grey image) gives the same response as
  the original network on that grey image in RGB.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import torch
from torch import Tensor, nn

from convolab._args import as_int, invalid, wrong_type
from convolab._safeload import CHECKPOINT_FORMAT, safetensors_load, torch_load

SUFFIXES = (".pth", ".pt", ".safetensors")


def load_state_dict_file(path: str | os.PathLike) -> dict[str, Tensor]:
    """A state dict from a ``.pth``/``.pt`` (``weights_only=True``) or ``.safetensors`` file.

    A convolab training checkpoint (a run's ``last.pt``/``best.pt``) gives its model's weights.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise wrong_type("weights", path, "a path to a .pth or .safetensors file")
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise invalid("weights", str(path), "a file ending in " + ", ".join(SUFFIXES))
    if not path.is_file():
        raise FileNotFoundError(2, "No such weights file", str(path))
    if path.suffix == ".safetensors":
        return safetensors_load(path, "weights file")[0]
    state = torch_load(path, "weights file")
    if isinstance(state, Mapping) and state.get("format") == CHECKPOINT_FORMAT:
        state = state["model"]  # a convolab training checkpoint (last.pt, best.pt)
    if not isinstance(state, Mapping) or not all(isinstance(v, Tensor) for v in state.values()):
        raise invalid("weights", str(path), "a file holding a state dict (names -> tensors)")
    return dict(state)


def adapt_stem(weight: Tensor, in_channels: int) -> Tensor:
    """First-convolution kernels (O, I, *k) adapted to ``in_channels`` input channels.

    ``w_new[:, c] = sum_i w[:, i] / in_channels`` for every new channel ``c``.
    """
    in_channels = as_int(in_channels, "in_channels", minimum=1)
    summed = weight.sum(dim=1, keepdim=True)  # (O, 1, *k)
    return (summed / in_channels).repeat(1, in_channels, *([1] * (weight.dim() - 2)))


def adapt_state_dict(state: Mapping[str, Tensor], model: nn.Module) -> dict[str, Tensor]:
    """``state`` made loadable into ``model``: new head and adapted stem where sizes differ."""
    own = model.state_dict()
    adapted = dict(state)
    stem_key, head_prefix = f"{model.stem}.weight", f"{model.head}."
    if stem_key in adapted and adapted[stem_key].shape[1] != own[stem_key].shape[1]:
        adapted[stem_key] = adapt_stem(adapted[stem_key], own[stem_key].shape[1])
    for key, value in own.items():
        if key.startswith(head_prefix) and key in adapted and adapted[key].shape != value.shape:
            adapted[key] = value  # a new head: keep the model's own initialisation
    return check_state_dict(
        adapted, model, "only the head and the first convolution's input channels are adapted"
    )


def check_state_dict(state: Mapping[str, Tensor], model: nn.Module, note: str = "") -> dict:
    """``state`` as a dict if it has exactly ``model``'s keys and shapes, else a clear error."""
    own = model.state_dict()
    missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
    if missing or unexpected:
        raise invalid(
            "weights",
            f"a state dict missing {missing[:3]} and with unexpected {unexpected[:3]}",
            f"the keys of {type(model).__name__}, as in torchvision's model of the same name",
        )
    for key, value in state.items():
        if value.shape != own[key].shape:
            raise invalid(
                f"weights[{key!r}].shape",
                tuple(value.shape),
                f"{tuple(own[key].shape)} as in {type(model).__name__}"
                + (f" ({note})" if note else ""),
            )
    return dict(state)


def _sizes_from_file(state: Mapping[str, Tensor], meta: nn.Module) -> dict[str, int]:
    """num_classes and in_channels that the file was trained with (``meta``: the model's
    structure, on the meta device, whose stem and head give the expected ranks)."""
    cls = type(meta)
    head, stem = state.get(f"{cls.head}.weight"), state.get(f"{cls.stem}.weight")
    if head is None or stem is None:
        raise invalid(
            "weights",
            sorted(state)[:4],
            f"a state dict with keys {cls.head}.weight and {cls.stem}.weight ({cls.__name__})",
        )
    own = meta.state_dict()
    for key, value in ((f"{cls.stem}.weight", stem), (f"{cls.head}.weight", head)):
        rank = own[key].dim()
        if value.dim() != rank or 0 in value.shape[:2]:
            raise invalid(
                f"weights[{key!r}].shape",
                tuple(value.shape),
                f"{rank} sizes, none zero ({cls.__name__}'s is {tuple(own[key].shape)})",
            )
    return {"num_classes": head.shape[0], "in_channels": stem.shape[1]}


def load_weights(
    builder: Callable, path, *, num_classes=None, in_channels=None, **kwargs
) -> nn.Module:
    """Build ``builder(...)`` and load the weights file at ``path`` into it, adapted.

    ``num_classes``/``in_channels`` left as None take the file's values.
    """
    state = load_state_dict_file(path)
    with torch.device("meta"):  # the class, its stem and head, without any cost
        meta = builder()
    sizes = _sizes_from_file(state, meta)
    if num_classes is not None:
        sizes["num_classes"] = as_int(num_classes, "num_classes", minimum=1)
    if in_channels is not None:
        sizes["in_channels"] = as_int(in_channels, "in_channels", minimum=1)
    model = builder(**sizes, **kwargs)
    model.load_state_dict(adapt_state_dict(state, model), strict=True)
    return model
