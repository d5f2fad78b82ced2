"""What every section of the demo report shares: where to write, how hard to work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class DemoContext:
    """Output location and effort settings handed to each section."""

    out: Path  # the report directory; index.html goes here
    quick: bool = False  # fewer frames, epochs and repetitions
    seed: int = 0  # every random number of the report derives from it
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.assets.mkdir(parents=True, exist_ok=True)

    @property
    def assets(self) -> Path:
        return self.out / "assets"

    def asset(self, name: str) -> tuple[Path, str]:
        """The file path of an asset and the relative URL the page uses for it."""
        return self.assets / name, f"assets/{name}"
