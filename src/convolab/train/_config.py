"""The training configuration: one typed dataclass, the single source of every default."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from convolab._args import as_choice, as_int, invalid, wrong_type

OPTIMIZERS = ("adamw", "sgd")
SCHEDULES = ("onecycle", "cosine", "constant")
DEVICES = ("auto", "cpu", "cuda", "mps")
FITS = ("auto", "resize", "pad")
# The values a string field accepts (the command line offers them as choices).
CHOICES = {"optimizer": OPTIMIZERS, "schedule": SCHEDULES, "device": DEVICES, "fit": FITS}
# Fields that do not change the computation: a resumed run may set them differently.
RUNTIME_FIELDS = ("device", "threads", "workers", "out", "resume", "force")


@dataclass
class TrainConfig:
    """Everything ``convolab train`` needs; ``fit(TrainConfig())`` trains LeNet-5 on digits.

    The default recipe (SGD with Nesterov momentum, lr 0.1 one-cycle, batch 32, weight decay
    5e-4, whole-pixel shifts) reaches >= 98.5% test accuracy on ``digits`` in about 20 s on
    2 CPU cores (``benchmarks/train_time.py``), and in 10 epochs on each of three
    8,000/2,000 cuts of the real MNIST test set (``tests/train/test_mnist_real.py``,
    ``docs/train.md`` gives the figures and how they vary with the seed).
    """

    model: str = "lenet5"  # a name from convolab.models.list_models()
    data: str = "digits"  # digits | mnist:DIR | fashion-mnist:DIR | cifar10:DIR | folder:DIR
    epochs: int = 30  # passes over the training split
    batch_size: int = 32  # images per step, over all processes (each gets batch/world)
    optimizer: str = "sgd"  # sgd (Nesterov momentum) | adamw (decoupled weight decay)
    lr: float = 0.1  # peak learning rate (the one-cycle maximum)
    weight_decay: float = 5e-4  # L2 penalty (decoupled for AdamW)
    momentum: float = 0.9  # SGD momentum; ignored by AdamW
    schedule: str = "onecycle"  # onecycle (warm-up then anneal) | cosine | constant, per step
    label_smoothing: float = 0.0  # share of the target mass spread over all classes
    augment: bool = True  # random whole-pixel shifts (+ mirroring for photos) while training
    fit: str = "auto"  # auto | resize | pad: how images reach the model's input size
    seed: int = 0  # seeds the model, the data order and the augmentation
    device: str = "auto"  # auto (cuda, then mps, then cpu) | cpu | cuda | mps
    threads: int = 0  # torch CPU threads; 0: the idle cores (cores - load average), at least 1
    amp: bool = False  # mixed precision (float16 on CUDA, bfloat16 elsewhere)
    channels_last: bool = False  # NHWC memory format (faster convolutions on recent GPUs)
    compile: bool = False  # torch.compile the model
    workers: int = 0  # DataLoader worker processes (data are in memory: 0 is fastest)
    out: str | None = None  # run directory; fit() writes nothing when None, the command
    # line's default is runs/MODEL
    weights: str | None = None  # torchvision-format weights to fine-tune from
    freeze_until: str | None = None  # with weights: freeze every layer before this one (e.g.
    # layer3, features.c5); 'head' trains the new head alone
    resume: bool = False  # continue the run in `out` from its last.pt
    force: bool = False  # start over in an `out` that already holds a run

    def __post_init__(self):
        _check_types(self)
        as_int(self.epochs, "epochs", minimum=1)
        as_int(self.batch_size, "batch_size", minimum=1)
        as_int(self.workers, "workers", minimum=0)
        as_int(self.seed, "seed", minimum=0)
        as_int(self.threads, "threads", minimum=0)
        for name, choices in CHOICES.items():
            as_choice(getattr(self, name), name, choices)
        _check_float(self.lr, "lr", 0.0, None)
        _check_float(self.weight_decay, "weight_decay", 0.0, None, low_ok=True)
        _check_float(self.momentum, "momentum", 0.0, 1.0, low_ok=True)
        _check_float(self.label_smoothing, "label_smoothing", 0.0, 1.0, low_ok=True)
        if self.resume and self.out is None:
            raise invalid("out", None, "a run directory when resume=True")
        if self.freeze_until is not None and self.weights is None:
            raise invalid(
                "freeze_until",
                self.freeze_until,
                "None without weights (freezing freshly initialised layers trains nothing useful)",
            )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        """The config :meth:`to_dict` wrote (config.json), every field checked."""
        if not isinstance(d, dict):
            raise wrong_type("config", d, "a dict of TrainConfig fields")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise invalid("config", unknown, f"fields of TrainConfig ({', '.join(known)})")
        return cls(**d)

    def differences(self, other: TrainConfig) -> list[str]:
        """Names of the fields, other than the runtime ones, where ``other`` differs."""
        mine, theirs = self.to_dict(), other.to_dict()
        return [k for k in mine if k not in RUNTIME_FIELDS and mine[k] != theirs[k]]


# Checks of the fields whose annotation alone says what they accept.
_TYPE_CHECKS = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "str | None": (lambda v: v is None or isinstance(v, str), "a string or None"),
    "bool": (lambda v: isinstance(v, bool), "True or False"),
}


def _check_types(config: TrainConfig) -> None:
    for f in fields(config):
        check, expected = _TYPE_CHECKS.get(f.type, (None, ""))
        value = getattr(config, f.name)
        if check is not None and not check(value):
            raise wrong_type(f.name, value, expected)


def _check_float(value, name: str, low: float, high: float | None, low_ok: bool = False):
    bound = f">= {low}" if low_ok else f"> {low}"
    expected = f"a number {bound}" + (f" and < {high}" if high is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong_type(name, value, expected)
    if value < low or (value == low and not low_ok) or (high is not None and value >= high):
        raise invalid(name, value, expected)


def field_comments(cls: type) -> dict[str, str]:
    """Each field's comment in the source of dataclass ``cls``: its trailing ``# ...`` and the
    comment-only lines right below it, joined (``{}`` when the source cannot be read).

    The comments stay where a reader of the dataclass sees them (nanoGPT's ``GPTConfig``
    style) and are also the command line's help.
    """
    import ast
    import inspect
    import io
    import tokenize

    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):  # no source file (a frozen or compiled-only install)
        return {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    comments = {
        t.start[0]: t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT
    }
    lines = source.splitlines()
    body = ast.parse(source).body[0].body
    found = {}
    for node in (n for n in body if isinstance(n, ast.AnnAssign)):
        row, parts = node.lineno, []
        while row in comments and (row == node.lineno or lines[row - 1].lstrip().startswith("#")):
            parts.append(comments[row])
            row += 1
        found[node.target.id] = " ".join(parts)
    return found
