"""One training epoch and one evaluation pass: the inner loops, nothing else."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from convolab.data import Augment, Preprocess, transform_batch
from convolab.train._progress import Progress


@dataclass
class Step:
    """What a step needs besides the batch.

    ``model`` may be wrapped (DDP, torch.compile); ``scaler`` is a GradScaler for float16 AMP
    on CUDA, else None; ``amp_dtype`` is None without AMP.
    """

    model: torch.nn.Module
    device: torch.device
    preprocess: Preprocess
    optimizer: torch.optim.Optimizer | None = None  # None: evaluation only
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None
    label_smoothing: float = 0.0
    augment: Augment | None = None
    amp_dtype: torch.dtype | None = None
    scaler: torch.amp.GradScaler | None = None
    channels_last: bool = False
    frozen_norms: tuple[torch.nn.Module, ...] = ()  # kept in eval mode (see _freeze)

    def train_mode(self) -> None:
        """The model in training mode, but the frozen normalisation layers in eval mode."""
        self.model.train()
        for norm in self.frozen_norms:
            norm.eval()

    def autocast(self):
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def inputs(self, images, generator=None, train: bool = False):
        """A loader batch (uint8, or float at model size) -> model input on the device."""
        images = images.to(self.device, non_blocking=True)
        x = transform_batch(images, self.preprocess, self.augment if train else None, generator)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x


def _backward_step(step: Step, loss: torch.Tensor) -> None:
    step.optimizer.zero_grad(set_to_none=True)
    if step.scaler is not None:
        step.scaler.scale(loss).backward()
        step.scaler.step(step.optimizer)
        step.scaler.update()
    else:
        loss.backward()
        step.optimizer.step()
    step.scheduler.step()


def train_epoch(step: Step, loader, generator: torch.Generator, progress: Progress):
    """One pass over ``loader``; returns (loss_sum, correct, count) tensors of this process."""
    step.train_mode()
    totals = torch.zeros(3, dtype=torch.float64, device=step.device)  # loss sum, correct, n
    for images, labels in loader:
        x = step.inputs(images, generator, train=True)  # (B, C, H, W)
        labels = labels.to(step.device, non_blocking=True)
        with step.autocast():
            logits = step.model(x)  # (B, K)
            loss = F.cross_entropy(logits, labels, label_smoothing=step.label_smoothing)
        _backward_step(step, loss)
        n = labels.shape[0]
        totals[0] += loss.detach() * n
        totals[1] += (logits.argmax(1) == labels).sum()
        totals[2] += n
        progress.update(n, totals[0], totals[1], totals[2])
    return totals


@torch.no_grad()
def evaluate_batches(step: Step, loader, num_classes: int):
    """(loss_sum, confusion (K, K)) over ``loader`` in this process, as float64 tensors."""
    step.model.eval()
    loss_sum = torch.zeros((), dtype=torch.float64, device=step.device)
    confusion = torch.zeros(num_classes * num_classes, dtype=torch.float64, device=step.device)
    for images, labels in loader:
        labels = labels.to(step.device, non_blocking=True)
        with step.autocast():
            logits = step.model(step.inputs(images))  # (B, K)
        loss_sum += F.cross_entropy(logits.float(), labels, reduction="sum").double()
        pairs = labels * num_classes + logits.argmax(1)  # (B,) flat (true, predicted) index
        confusion += torch.bincount(pairs, minlength=num_classes**2).double()
    return loss_sum, confusion.view(num_classes, num_classes)
