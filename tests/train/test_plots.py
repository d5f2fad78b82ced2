"""Figures of a run: learning-curve axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from convolab.train import plot_curves


def _history(train_acc, val_acc):
    return [
        {
            "epoch": i + 1,
            "train_loss": 1.0 / (i + 1),
            "val_loss": 1.0 / (i + 1),
            "lr": 0.01,
            "train_acc": t,
            "val_acc": v,
        }
        for i, (t, v) in enumerate(zip(train_acc, val_acc))
    ]


@pytest.mark.parametrize(
    "train_acc, val_acc",
    [
        ([0.30, 0.80, 0.95, 0.97, 0.98], [0.85, 0.93, 0.96, 0.97, 0.98]),
        ([0.95, 0.97], [0.10, 0.50]),
        ([0.99], [0.99]),
    ],
)
def test_accuracy_axis_shows_both_curves(train_acc, val_acc):
    fig = plot_curves(_history(train_acc, val_acc))
    ax_acc = fig.axes[1]
    low, high = ax_acc.get_ylim()
    values = [100 * a for a in train_acc + val_acc]
    assert low <= min(values) and high >= max(values)
    plt.close(fig)


def test_epoch_ticks_are_whole_numbers():
    fig = plot_curves(_history([0.5, 0.9, 0.95], [0.6, 0.9, 0.96]))
    fig.canvas.draw()
    for ax in fig.axes[:2]:
        ticks = ax.get_xticks()
        assert all(float(t).is_integer() for t in ticks)
    plt.close(fig)
