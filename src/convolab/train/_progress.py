"""Progress of an epoch: a tqdm bar on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import sys
import time

# Seconds between plain progress lines when the output is not a terminal.
PLAIN_EVERY_S = 10.0
# Bar refreshes per epoch: each reads the running loss from the device (a sync on GPUs).
REFRESHES = 20


class Progress:
    """Shows running loss, accuracy and images/s of one epoch; silent when not ``enabled``."""

    def __init__(self, total: int, desc: str, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled, self.desc, self.total = enabled, desc, total
        self.tty = enabled and self.stream.isatty()
        self.every = max(1, total // REFRESHES)
        self.steps = self.images = 0
        self.start = self.last_line = time.perf_counter()
        self.bar = None
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc=desc,
                leave=False,
                file=self.stream,
                dynamic_ncols=True,
                unit="step",
            )

    def update(self, images: int, loss_sum, correct, count) -> None:
        """One step of ``images`` done; the sums are running tensors (read only when shown)."""
        self.steps += 1
        self.images += images
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.bar is not None:
            self.bar.update(1)
            if self.steps % self.every == 0 or self.steps == self.total:
                self.bar.set_postfix_str(self._stats(loss_sum, correct, count, now))
        elif now - self.last_line >= PLAIN_EVERY_S:
            self.last_line = now
            print(
                f"{self.desc} step {self.steps}/{self.total} "
                f"{self._stats(loss_sum, correct, count, now)}",
                file=self.stream,
                flush=True,
            )

    def _stats(self, loss_sum, correct, count, now: float) -> str:
        n = max(float(count), 1.0)
        rate = self.images / max(now - self.start, 1e-9)
        return f"loss {float(loss_sum) / n:.4f} acc {float(correct) / n:.4f} {rate:.0f} img/s"

    def close(self) -> float:
        """Close the bar; return the epoch's wall time in seconds."""
        if self.bar is not None:
            self.bar.close()
        return time.perf_counter() - self.start
