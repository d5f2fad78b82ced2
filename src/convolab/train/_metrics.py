"""Classification metrics from a confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, repr=False)
class EvalResult:
    """Loss, accuracy and confusion matrix of a model on one split.

    Attributes
    ----------
    loss : float
        Mean cross-entropy (no label smoothing).
    confusion : ndarray, shape (K, K), int64
        ``confusion[i, j]`` counts images of class ``i`` predicted as ``j``.
    classes : tuple of str
        The K class names.
    """

    loss: float
    confusion: np.ndarray
    classes: tuple[str, ...]

    @property
    def count(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        """Share of correct predictions, trace(C) / sum(C)."""
        return float(np.trace(self.confusion) / max(self.count, 1))

    @property
    def precision(self) -> np.ndarray:
        """Per class, C[k, k] / sum_i C[i, k] (0 for a class never predicted)."""
        predicted = self.confusion.sum(0)
        return np.diag(self.confusion) / np.maximum(predicted, 1)

    @property
    def recall(self) -> np.ndarray:
        """Per class, C[k, k] / sum_j C[k, j] (0 for a class with no images)."""
        actual = self.confusion.sum(1)
        return np.diag(self.confusion) / np.maximum(actual, 1)

    def to_dict(self) -> dict:
        return {
            "loss": self.loss,
            "accuracy": self.accuracy,
            "count": self.count,
            "classes": list(self.classes),
            "precision": self.precision.tolist(),
            "recall": self.recall.tolist(),
            "confusion": self.confusion.tolist(),
        }

    def table(self) -> str:
        """Per-class precision and recall as aligned text lines."""
        width = max(len("class"), *(len(c) for c in self.classes))
        lines = [f"{'class':<{width}}  precision  recall  images"]
        for k, name in enumerate(self.classes):
            lines.append(
                f"{name:<{width}}  {self.precision[k]:9.3f}  {self.recall[k]:6.3f}  "
                f"{int(self.confusion[k].sum()):6d}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"EvalResult(accuracy={self.accuracy:.4f}, loss={self.loss:.4f}, n={self.count})"
