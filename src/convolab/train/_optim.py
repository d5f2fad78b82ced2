"""Optimizer and per-step learning-rate schedule from a TrainConfig."""

from __future__ import annotations

import torch

from convolab.train._config import TrainConfig


def build_optimizer(params, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW (Loshchilov & Hutter 2019) or SGD with Nesterov momentum."""
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.SGD(
        params,
        lr=config.lr,
        momentum=config.momentum,
        nesterov=config.momentum > 0,
        weight_decay=config.weight_decay,
    )


def build_schedule(optimizer, config: TrainConfig, steps_per_epoch: int):
    """A scheduler stepped once per optimizer step over ``epochs * steps_per_epoch`` steps.

    ``onecycle``: Smith & Topin (2019), linear-cosine warm-up over the first 30% to ``lr``,
    then cosine annealing to ``lr / 1e4``; ``cosine``: Loshchilov & Hutter (2017) without
    restarts, from ``lr`` to 0; ``constant``: ``lr`` throughout.
    """
    total = config.epochs * steps_per_epoch
    if config.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=total)
    if config.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
