"""``fit(config)``: data, model, optimizer and schedule set up, then the epochs, resumable."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch

from convolab._args import invalid
from convolab.data import (
    Augment,
    BatchLoader,
    DataSplits,
    Preprocess,
    load_data,
    model_input,
    to_model_size,
)
from convolab.train import _runtime as rt
from convolab.train._card import ModelCard
from convolab.train._checkpoint import save_weights
from convolab.train._config import TrainConfig
from convolab.train._engine import Step, evaluate_batches, train_epoch
from convolab.train._freeze import freeze_until
from convolab.train._metrics import EvalResult
from convolab.train._optim import build_optimizer, build_schedule
from convolab.train._plots import plot_confusion, plot_curves
from convolab.train._progress import Progress
from convolab.train._rundir import RunDir

# A split whose float32 model-size images fit in this many bytes is resized/padded once,
# up front, instead of batch by batch (digits: 5 MB; CIFAR-10 at 224x224: 27 GB, per batch).
PREPARE_BYTES = 1 << 30


@dataclass(repr=False)
class FitResult:
    """What a run produced.

    Attributes
    ----------
    model : torch.nn.Module
        The trained model (final weights, eval mode, on the training device).
    card : ModelCard
        Model name, classes and preprocessing.
    history : list of dict
        One metrics.jsonl row per epoch.
    test : EvalResult
        Loss, accuracy and confusion matrix on the test split, final weights.
    data : DataSplits
        The data it was trained on.
    run_dir : Path or None
        Where the files went (None when ``config.out`` is None).
    """

    model: torch.nn.Module
    card: ModelCard
    history: list
    test: EvalResult
    data: DataSplits
    run_dir: Path | None

    def sample(self, index: int = 0, split: str = "test"):
        """(uint8 image (H, W, C), model input (1, C, H, W), label) of one image."""
        arrays = getattr(self.data, split)
        image = arrays.images[index]  # (h, w, c)
        device = next(self.model.parameters()).device
        return image, model_input(image, self.card.preprocess, device), int(arrays.labels[index])

    def __repr__(self) -> str:
        return (
            f"FitResult({self.card.model!r} on {self.card.data!r}: "
            f"test accuracy {self.test.accuracy:.4f}, {len(self.history)} epochs)"
        )


def fit(config: TrainConfig | None = None, *, data: DataSplits | None = None) -> FitResult:
    """Train ``config.model`` on ``config.data``; see :class:`TrainConfig` for every option.

    Under ``torchrun`` each process calls this; they train one DistributedDataParallel model,
    reduce their metrics and only rank 0 prints and writes. ``data`` may pass already loaded
    splits (``config.data`` then only names them).

    Examples
    --------
    >>> from convolab.train import TrainConfig, feature_maps, fit, plot_curves
    >>> result = fit(TrainConfig(out="runs/lenet5"))  # doctest: +SKIP
    >>> accuracy = result.test.accuracy  # doctest: +SKIP
    >>> figure = plot_curves(result.history)  # doctest: +SKIP
    >>> image, x, label = result.sample(0)  # doctest: +SKIP
    >>> maps = feature_maps(result.model, x)  # doctest: +SKIP

    The run trains LeNet-5 on digits (~15 s on 2 cores; the acceptance target is a test
    accuracy >= 0.985); ``result.sample(0)`` is a test digit, (8, 8, 1) uint8, with its model
    input (1, 1, 32, 32); ``feature_maps`` gives ``{'features.c1': (6, 28, 28), ...}``.
    """
    config = config or TrainConfig()
    runtime = rt.start(config.device, config.threads)
    try:
        return _Run(config, runtime, data).run()
    finally:
        rt.stop(runtime)


def make_card(config: TrainConfig, data: DataSplits) -> ModelCard:
    """The card of a model trained by ``config`` on ``data``: statistics of its train split."""
    from convolab.data import channel_stats, choose_fit
    from convolab.models import model_info

    info = model_info(config.model)
    native = data.train.images.shape[1:3]
    mean, std = channel_stats(data.train.images, info.in_channels)
    prep = Preprocess(
        tuple(info.input_size),
        info.in_channels,
        mean,
        std,
        choose_fit(native, info.input_size, config.fit),
    )
    return ModelCard(config.model, data.classes, prep, data.name)


class _Run:
    """One call of :func:`fit`: its state lives here between epochs."""

    def __init__(self, config: TrainConfig, runtime: rt.Runtime, data: DataSplits | None):
        self.config, self.runtime, self.frozen = config, runtime, None
        self.run_dir = RunDir(config.out, runtime.main) if config.out is not None else None
        resumed = self.run_dir.open(config) if self.run_dir is not None else None
        rt.seed_everything(config.seed)
        from convolab.models import model_info

        self.data = data or load_data(config.data, size=model_info(config.model).input_size)
        self.card = (
            ModelCard.from_dict(resumed["card"]) if resumed else make_card(config, self.data)
        )
        self.raw_model = self._build_model()
        self.loaders = self._loaders()
        self.step = self._step()
        self.start_epoch, self.history, self.best = 0, [], {"val_acc": -1.0, "epoch": 0}
        # Model, data and weights are checked before a new run directory is created.
        rt.barrier(runtime)  # every process has checked the directory before rank 0 writes
        if self.run_dir is not None and not resumed:
            self.run_dir.start(config)
        if resumed:
            self._restore(resumed)

    def _build_model(self) -> torch.nn.Module:
        from convolab.models import create_model

        kw = dict(num_classes=self.data.num_classes, in_channels=self.card.preprocess.in_channels)
        model = create_model(self.config.model, weights=self.config.weights, **kw)
        if self.config.freeze_until is not None:
            self.frozen = freeze_until(model, self.config.freeze_until)
        model = model.to(self.runtime.device)
        if self.config.channels_last:
            model = model.to(memory_format=torch.channels_last)
        return model

    def _loaders(self) -> dict:
        world, c = self.runtime.world, self.config
        if c.batch_size % world:
            raise invalid("batch_size", c.batch_size, f"a multiple of the {world} processes")
        kw = dict(
            seed=c.seed,
            rank=self.runtime.rank,
            world=world,
            workers=c.workers,
            pin_memory=self.runtime.device.type == "cuda",
        )
        sizes = {"train": c.batch_size // world, "val": c.batch_size, "test": c.batch_size}
        return {
            split: BatchLoader(
                getattr(self.data, split),
                size,
                shuffle=split == "train",
                prepare=self._prepare(getattr(self.data, split)),
                **kw,
            )
            for split, size in sizes.items()
        }

    def _prepare(self, arrays):
        """Resize/pad a split once, up front, when the result is small (see PREPARE_BYTES)."""
        prep = self.card.preprocess
        size = len(arrays) * prep.in_channels * prep.input_size[0] * prep.input_size[1] * 4
        return partial(to_model_size, prep=prep) if size <= PREPARE_BYTES else None

    def _step(self) -> Step:
        c, device = self.config, self.runtime.device
        model = self.raw_model
        if self.runtime.world > 1:
            ids = [device.index] if device.type == "cuda" else None
            model = torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
        if c.compile:
            model = torch.compile(model)
        trained = [p for p in self.raw_model.parameters() if p.requires_grad]
        optimizer = build_optimizer(trained, c)
        half = c.amp and device.type == "cuda"
        return Step(
            model,
            device,
            self.card.preprocess,
            optimizer,
            build_schedule(optimizer, c, len(self.loaders["train"])),
            c.label_smoothing,
            Augment(flip=self.data.flip) if c.augment else None,
            (torch.float16 if half else torch.bfloat16) if c.amp else None,
            torch.amp.GradScaler("cuda") if half else None,
            c.channels_last,
            self.frozen.norms if self.frozen else (),
        )

    def _state(self, epoch: int) -> dict:
        return {
            "config": self.config.to_dict(),
            "card": self.card.to_dict(),
            "epoch": epoch,
            "model": self.raw_model.state_dict(),
            "optimizer": self.step.optimizer.state_dict(),
            "scheduler": self.step.scheduler.state_dict(),
            "scaler": self.step.scaler.state_dict() if self.step.scaler else None,
            "rng": rt.rng_state(),
            "history": self.history,
            "best": self.best,
        }

    def _restore(self, state: dict) -> None:
        self.raw_model.load_state_dict(state["model"])
        self.step.optimizer.load_state_dict(state["optimizer"])
        self.step.scheduler.load_state_dict(state["scheduler"])
        if self.step.scaler is not None and state["scaler"] is not None:
            self.step.scaler.load_state_dict(state["scaler"])
        self.start_epoch, self.history = state["epoch"], list(state["history"])
        self.best = dict(state["best"])
        rt.set_rng_state(state["rng"])
        if self.run_dir is not None:
            self.run_dir.write_metrics(self.history)

    def _evaluate(self, split: str) -> EvalResult:
        k = self.data.num_classes
        loss_sum, confusion = evaluate_batches(self.step, self.loaders[split], k)
        total = rt.all_sum(torch.cat([loss_sum.view(1), confusion.flatten()]), self.runtime)
        confusion = total[1:].view(k, k).round().long().cpu().numpy()
        return EvalResult(
            float(total[0]) / max(int(confusion.sum()), 1), confusion, self.data.classes
        )

    def _epoch(self, epoch: int) -> dict:
        c, loader = self.config, self.loaders["train"]
        loader.set_epoch(epoch)
        generator = torch.Generator().manual_seed(
            int(np.random.SeedSequence([c.seed, epoch, self.runtime.rank]).generate_state(1)[0])
        )
        progress = Progress(len(loader), f"epoch {epoch + 1}/{c.epochs}", self.runtime.main)
        totals = train_epoch(self.step, loader, generator, progress)
        seconds = progress.close()
        loss_sum, correct, count = rt.all_sum(totals, self.runtime).tolist()
        val = self._evaluate("val")
        return {
            "epoch": epoch + 1,
            "train_loss": loss_sum / count,
            "train_acc": correct / count,
            "val_loss": val.loss,
            "val_acc": val.accuracy,
            "lr": self.step.optimizer.param_groups[0]["lr"],
            "time_s": round(seconds, 3),
            "img_per_s": round(count / seconds, 1),
        }

    def _end_epoch(self, row: dict) -> None:
        self.history.append(row)
        improved = row["val_acc"] > self.best["val_acc"]
        if improved:
            self.best = {"val_acc": row["val_acc"], "epoch": row["epoch"]}
        if self.run_dir is not None:
            state = self._state(row["epoch"])
            self.run_dir.save_checkpoint("last.pt", state)
            if improved:
                self.run_dir.save_checkpoint("best.pt", state)
            self.run_dir.write_metrics(self.history)
        self._say(
            f"epoch {row['epoch']:>3}/{self.config.epochs}  train loss "
            f"{row['train_loss']:.4f} acc {row['train_acc']:.4f}  val loss "
            f"{row['val_loss']:.4f} acc {row['val_acc']:.4f}  lr {row['lr']:.2e}  "
            f"{row['time_s']:.1f} s  {row['img_per_s']:.0f} img/s"
        )

    def _say(self, line: str) -> None:
        if self.runtime.main:
            print(line, flush=True)

    def _introduce(self) -> None:
        """One line on what trains where (threads as chosen, see _runtime), and what is frozen."""
        d, runtime = self.data, self.runtime
        where = str(runtime.device)
        if runtime.device.type == "cpu":
            plural = "s" * (runtime.threads > 1)
            where += f", {runtime.threads} thread{plural} ({runtime.threads_why})"
        self._say(
            f"{self.card.model} on {d.name}: {len(d.train):,} train, {len(d.val):,} val, "
            f"{len(d.test):,} test images; {where}"
        )
        if self.frozen is not None:
            self._say(self.frozen.describe(self.raw_model))

    def run(self) -> FitResult:
        self._introduce()
        if self.start_epoch:
            self._say(f"resuming {self.run_dir.path} after epoch {self.start_epoch}")
        for epoch in range(self.start_epoch, self.config.epochs):
            self._end_epoch(self._epoch(epoch))
        test = self._evaluate("test")
        self._say(
            f"test accuracy {test.accuracy:.4f} ({int(np.trace(test.confusion))}/"
            f"{test.count}), loss {test.loss:.4f}"
        )
        if self.run_dir is not None and self.runtime.main:
            self._write_results(test)
        return FitResult(
            self.raw_model.eval(),
            self.card,
            self.history,
            test,
            self.data,
            self.run_dir.path if self.run_dir else None,
        )

    def _write_results(self, test: EvalResult) -> None:
        run = self.run_dir
        save_weights(run / "model.safetensors", self.raw_model, self.card)
        run.write_text("test.json", json.dumps(test.to_dict(), indent=1) + "\n")
        title = f"{self.card.model} on {self.card.data}"
        run.save_figure("curves.png", plot_curves(self.history, title))
        run.save_figure(
            "confusion.png", plot_confusion(test.confusion, test.classes, f"{title}, test split")
        )
        self._say(
            f"wrote {run.path}/: config.json metrics.jsonl last.pt best.pt "
            f"model.safetensors test.json curves.png confusion.png"
        )
