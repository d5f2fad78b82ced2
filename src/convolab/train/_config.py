"""The training configuration: one typed dataclass, the single source of every default."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from convolab._args import as_choice, as_int, invalid, wrong_type

OPTIMIZERS = ("adamw", "sgd")
SCHEDULES = ("onecycle", "cosine", "constant")
DEVICES = ("auto", "cpu", "cuda", "mps")
# Fields that do not change the computation: a resumed run may set them differently.
RUNTIME_FIELDS = ("device", "workers", "out", "resume", "force")


@dataclass
class TrainConfig:
    """Everything ``convolab train`` needs; ``fit(TrainConfig())`` trains LeNet-5 on digits.

    The defaults reach >= 98.5% test accuracy on ``digits`` in 15-20 s of wall time on 2 CPU cores
    (``benchmarks/train_time.py`` measures it).
    """

    model: str = "lenet5"  # a name from convolab.models.list_models()
    data: str = "digits"  # digits | mnist:DIR | fashion-mnist:DIR | cifar10:DIR | folder:DIR
    epochs: int = 30  # passes over the training split
    batch_size: int = 64  # images per step, over all processes (each gets batch/world)
    optimizer: str = "adamw"  # adamw (decoupled weight decay) | sgd (Nesterov momentum)
    lr: float = 3e-3  # peak learning rate (the one-cycle maximum)
    weight_decay: float = 5e-4  # L2 penalty (decoupled for AdamW)
    momentum: float = 0.9  # SGD momentum; ignored by AdamW
    schedule: str = "onecycle"  # onecycle (warm-up then anneal) | cosine | constant, per step
    label_smoothing: float = 0.0  # share of the target mass spread over all classes
    augment: bool = True  # random rotation/shift/zoom (+ flips for photos) while training
    fit: str = "auto"  # auto | resize | pad: how images reach the model's input size
    seed: int = 0  # seeds the model, the data order and the augmentation
    device: str = "auto"  # auto (cuda, then mps, then cpu) | cpu | cuda | mps
    amp: bool = False  # mixed precision (float16 on CUDA, bfloat16 elsewhere)
    channels_last: bool = False  # NHWC memory format (faster convolutions on recent GPUs)
    compile: bool = False  # torch.compile the model
    workers: int = 0  # DataLoader worker processes (data are in memory: 0 is fastest)
    out: str | None = None  # run directory; None writes nothing
    weights: str | None = None  # torchvision-format weights to fine-tune from
    resume: bool = False  # continue the run in `out` from its last.pt
    force: bool = False  # start over in an `out` that already holds a run

    def __post_init__(self):
        for name in ("model", "data"):
            if not isinstance(getattr(self, name), str):
                raise wrong_type(name, getattr(self, name), "a string")
        as_int(self.epochs, "epochs", minimum=1)
        as_int(self.batch_size, "batch_size", minimum=1)
        as_int(self.workers, "workers", minimum=0)
        as_int(self.seed, "seed", minimum=0)
        as_choice(self.optimizer, "optimizer", OPTIMIZERS)
        as_choice(self.schedule, "schedule", SCHEDULES)
        as_choice(self.device, "device", DEVICES)
        _check_float(self.lr, "lr", 0.0, None)
        _check_float(self.weight_decay, "weight_decay", 0.0, None, low_ok=True)
        _check_float(self.momentum, "momentum", 0.0, 1.0, low_ok=True)
        _check_float(self.label_smoothing, "label_smoothing", 0.0, 1.0, low_ok=True)
        if self.resume and self.out is None:
            raise invalid("out", None, "a run directory when resume=True")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise invalid("config", unknown, f"fields of TrainConfig ({', '.join(known)})")
        return cls(**d)

    def differences(self, other: TrainConfig) -> list[str]:
        """Names of the fields, other than the runtime ones, where ``other`` differs."""
        mine, theirs = self.to_dict(), other.to_dict()
        return [k for k in mine if k not in RUNTIME_FIELDS and mine[k] != theirs[k]]


def _check_float(value, name: str, low: float, high: float | None, low_ok: bool = False):
    bound = f">= {low}" if low_ok else f"> {low}"
    expected = f"a number {bound}" + (f" and < {high}" if high is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong_type(name, value, expected)
    if value < low or (value == low and not low_ok) or (high is not None and value >= high):
        raise invalid(name, value, expected)
