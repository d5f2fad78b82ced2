"""Writing files so that a crash never leaves a half-written file behind.

atomic_path  -- a temporary path beside the target, renamed onto it only on success
save_figure  -- a Matplotlib figure saved through atomic_path, then closed
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary file lives in the same directory (so the rename is atomic on POSIX) and
    keeps the suffix of ``path`` (so writers that pick a format from the suffix still work).
    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.",
        suffix=f".tmp{path.suffix}",
        dir=path.parent if str(path.parent) else ".",
    )
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a new file would get 0666 - umask
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def save_figure(figure, path: str | os.PathLike, **savefig_kwargs) -> Path:
    """Save a Matplotlib ``figure`` to ``path`` atomically, then close it; returns the path.

    The format comes from the suffix of ``path`` (the temporary file keeps it). The figure is
    closed even when saving fails: a figure made by ``pyplot`` stays in pyplot's registry,
    and its memory with it, until it is closed.
    """
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            figure.savefig(tmp, **savefig_kwargs)
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")  # not imported: no figure of its own
        if pyplot is not None:
            pyplot.close(figure)
    return path
