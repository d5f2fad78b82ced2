"""Figures of a run: learning curves and the confusion matrix (matplotlib, no display)."""

from __future__ import annotations

import numpy as np


def _figure(*args, **kwargs):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def plot_curves(history: list[dict], title: str = ""):
    """Loss and accuracy per epoch, training and validation, with the learning rate.

    ``history`` is the list of metrics.jsonl rows (keys epoch, train_loss, val_loss,
    train_acc, val_acc, lr). Returns a matplotlib Figure.
    """
    fig, (ax_loss, ax_acc) = _figure(1, 2, figsize=(10, 4), layout="constrained")
    epochs = [row["epoch"] for row in history]
    for split, style in (("train", "-o"), ("val", "-s")):
        ax_loss.plot(epochs, [r[f"{split}_loss"] for r in history], style, ms=3, label=split)
        ax_acc.plot(epochs, [100 * r[f"{split}_acc"] for r in history], style, ms=3, label=split)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    best = max(history, key=lambda r: r["val_acc"]) if history else None
    if best is not None:
        ax_acc.annotate(
            f"best val {100 * best['val_acc']:.2f}% (epoch {best['epoch']})",
            (best["epoch"], 100 * best["val_acc"]),
            xytext=(0.35, 0.08),
            textcoords="axes fraction",
            arrowprops={"arrowstyle": "->"},
        )
        low = min(100 * min(r["train_acc"], r["val_acc"]) for r in history)  # both curves
        ax_acc.set_ylim(max(0.0, min(low, 90.0) - 2), 100.5)
    lr_axis = ax_loss.twinx()
    lr_axis.plot(epochs, [r["lr"] for r in history], ":", color="gray", label="learning rate")
    lr_axis.set_ylabel("learning rate (end of epoch)", color="gray")
    from matplotlib.ticker import MaxNLocator

    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
        ax.grid(alpha=0.3)
        ax.legend(loc="center right")
    if title:
        fig.suptitle(title)
    return fig


def plot_confusion(confusion: np.ndarray, classes, title: str = "confusion matrix"):
    """Counts of true (rows) vs predicted (columns) classes, coloured by row share."""
    confusion = np.asarray(confusion)
    k = len(classes)
    size = min(4 + 0.45 * k, 14)
    fig, ax = _figure(figsize=(size + 1, size), layout="constrained")
    share = confusion / np.maximum(confusion.sum(1, keepdims=True), 1)  # row-normalised
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of the true class")
    if k <= 30:
        for i, j in zip(*np.nonzero(confusion)):
            color = "white" if share[i, j] > 0.5 else ("crimson" if i != j else "black")
            ax.text(
                j,
                i,
                str(confusion[i, j]),
                ha="center",
                va="center",
                color=color,
                fontsize=9 if k <= 12 else 6,
            )
        ax.set_xticks(range(k), classes, rotation=45 if max(map(len, classes)) > 2 else 0)
        ax.set_yticks(range(k), classes)
    accuracy = np.trace(confusion) / max(confusion.sum(), 1)
    ax.set(
        xlabel="predicted class",
        ylabel="true class",
        title=f"{title}: {100 * accuracy:.2f}% of {int(confusion.sum())} correct",
    )
    return fig
