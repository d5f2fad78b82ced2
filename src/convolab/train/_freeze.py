"""Transfer learning: the layers before a named one frozen, the rest trained.

``freeze_until(model, "layer3")`` freezes every parameter of the modules that come before
``layer3`` in the model's order (``conv1``, ``bn1``, ``layer1``, ``layer2`` of a ResNet);
``"head"`` names the model's last layer (``fc``, ``classifier.output``), so only the new head
trains, the classic linear probe. Frozen parameters get no gradient and are left out of the
optimizer, so neither a step nor weight decay touches them: they stay bit-identical.

Normalisation layers of the frozen part are also kept in evaluation mode during training:
their running mean and variance stay those of the pretrained network. Updating them from the
new data while their scale and shift stay frozen would change what the frozen layers compute
(every later layer was trained on the old statistics), and small fine-tuning batches give
noisy estimates; detectron2's ``FrozenBatchNorm2d`` and timm's ``freeze`` make the same
choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from convolab._args import invalid


@dataclass(frozen=True)
class Frozen:
    """What :func:`freeze_until` froze.

    Attributes
    ----------
    layer : str
        The first trained module (the model's head for ``"head"``).
    parameters : tuple of str
        Names of the frozen parameters (``requires_grad`` is now False).
    norms : tuple of nn.Module
        Normalisation layers of the frozen part, to be kept in eval mode (see the module notes).
    count : int
        Number of frozen scalars.
    """

    layer: str
    parameters: tuple[str, ...]
    norms: tuple[nn.Module, ...]
    count: int

    def describe(self, model: nn.Module) -> str:
        total = sum(p.numel() for p in model.parameters())
        return (
            f"frozen before {self.layer}: {len(self.parameters)} tensors, {self.count:,} of "
            f"{total:,} parameters; training {total - self.count:,}"
        )


def _first_trained(model: nn.Module, layer: str) -> str:
    """The module name ``layer`` stands for, checked against the model's modules."""
    target = getattr(model, "head", None) if layer == "head" else layer
    names = {name for name, _ in model.named_modules() if name}
    if target not in names:
        stages = ", ".join(name for name, _ in model.named_children())
        raise invalid(
            "freeze_until",
            layer,
            f"'head' or the name of a layer of {type(model).__name__} (its stages: {stages}; "
            "or a dotted name inside one)",
        )
    return target


def freeze_until(model: nn.Module, layer: str) -> Frozen:
    """Freeze every module of ``model`` before ``layer`` (``"head"``: all but the head).

    A module counts as before ``layer`` when ``model.named_modules()`` lists it earlier and
    it does not contain ``layer``.
    """
    target = _first_trained(model, layer)
    frozen = []
    for name, module in model.named_modules():
        if name == target:
            break
        if name and not target.startswith(name + "."):  # containers of the target still train
            frozen.append((name, module))
    params = [(f"{n}.{p}", t) for n, m in frozen for p, t in m.named_parameters(recurse=False)]
    for _, tensor in params:
        tensor.requires_grad_(False)
    norms = tuple(m for _, m in frozen if getattr(m, "track_running_stats", False))
    return Frozen(target, tuple(n for n, _ in params), norms, sum(t.numel() for _, t in params))
