"""The run directory: config.json, metrics.jsonl, checkpoints, weights and plots.

Only the main process writes; every file goes through ``convolab._io.atomic_path`` so a
killed run leaves each file either old or new, never half-written.
"""

from __future__ import annotations

import json
from pathlib import Path

from convolab._args import InvalidValueError
from convolab._io import atomic_path, save_figure
from convolab.train._checkpoint import load_checkpoint, save_checkpoint
from convolab.train._config import TrainConfig

RUN_FILES = (
    "config.json",
    "metrics.jsonl",
    "last.pt",
    "best.pt",
    "model.safetensors",
    "test.json",
    "curves.png",
    "confusion.png",
)


class RunDir:
    """Files of one run under ``path``; writes are no-ops unless ``writer`` (rank 0)."""

    def __init__(self, path: str | Path, writer: bool = True):
        self.path, self.writer = Path(path), writer

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def open(self, config: TrainConfig) -> dict | None:
        """Check the directory against ``config``; return last.pt's state when resuming.

        Every process checks before any writes (see :meth:`start`), so all agree.
        """
        # config.json and metrics.jsonl alone are a run killed in its first epoch: no run yet.
        fresh = ("config.json", "metrics.jsonl")
        held = [n for n in RUN_FILES if n not in fresh and (self.path / n).exists()]
        if config.resume:
            if not (self.path / "last.pt").is_file():
                raise FileNotFoundError(
                    f"nothing to resume in {str(self.path)!r}: no last.pt (a run writes it at "
                    f"the end of its first epoch); start over with --force"
                )
            state = load_checkpoint(self.path / "last.pt")
            changed = config.differences(TrainConfig.from_dict(state.get("config")))
            if changed:
                raise InvalidValueError(
                    f"cannot resume {str(self.path)!r} with different settings: "
                    f"{', '.join(changed)} differ from its config.json"
                )
            return state
        if held and not config.force:
            raise FileExistsError(
                f"run directory {str(self.path)!r} already holds a run "
                f"({', '.join(held)}); pass --resume to continue it or "
                f"--force to start over"
            )
        return None

    def start(self, config: TrainConfig) -> None:
        """Create the directory, write config.json and an empty metrics.jsonl."""
        if self.writer:
            self.path.mkdir(parents=True, exist_ok=True)
            self.write_text("config.json", json.dumps(config.to_dict(), indent=2) + "\n")
            self.write_metrics([])

    def write_text(self, name: str, text: str) -> None:
        if self.writer:
            with atomic_path(self.path / name) as tmp:
                tmp.write_text(text)

    def write_metrics(self, history: list[dict]) -> None:
        """metrics.jsonl rewritten with one JSON line per completed epoch."""
        self.write_text("metrics.jsonl", "".join(json.dumps(row) + "\n" for row in history))

    def save_checkpoint(self, name: str, state: dict) -> None:
        if self.writer:
            save_checkpoint(self.path / name, state)

    def save_figure(self, name: str, figure) -> None:
        """Save ``figure`` as ``name`` (the writing process only), and close it."""
        if self.writer:
            save_figure(figure, self.path / name, dpi=120)  # closes it
        else:
            import matplotlib.pyplot as plt

            plt.close(figure)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"
