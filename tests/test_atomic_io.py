"""Atomic writes: the file appears whole or not at all, with ordinary permissions; figures too."""

from __future__ import annotations

import os

import pytest

from convolab._io import atomic_path, save_figure


def test_writes_on_success_with_umask_permissions(tmp_path):
    target = tmp_path / "out.png"
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".png" and tmp.parent == tmp_path
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert list(tmp_path.iterdir()) == [target]


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("precious")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "precious"
    assert list(tmp_path.iterdir()) == [target]


def test_save_figure_writes_atomically_and_closes_pyplot_figures(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    target = tmp_path / "plot.svg"
    assert save_figure(fig, target) == target
    assert target.read_text().lstrip().startswith("<?xml")  # the format from the suffix
    assert not plt.fignum_exists(fig.number)  # closed: pyplot no longer holds it
    assert list(tmp_path.iterdir()) == [target]


def test_save_figure_failure_leaves_the_old_file_and_closes(tmp_path):
    import matplotlib.pyplot as plt

    target = tmp_path / "plot.png"
    target.write_bytes(b"precious")
    fig = plt.figure()

    def broken(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C while the figure is being written

    fig.savefig = broken
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, target, dpi=50)
    assert target.read_bytes() == b"precious"
    assert list(tmp_path.iterdir()) == [target]
    assert not plt.fignum_exists(fig.number)


def test_save_figure_leaves_a_bare_figure_usable(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    save_figure(fig, tmp_path / "a.png")
    save_figure(fig, tmp_path / "b.png")  # no pyplot: nothing to close, saves again
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
