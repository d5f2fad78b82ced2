"""The report is built in a hidden directory beside its destination and moved into place whole.

A build that fails or is interrupted (Ctrl-C) removes its hidden directory and leaves the
destination as it was: no half-written report, and a previous report stays intact. Moving
in renames each entry (``assets/``, ``index.html``, the marker) onto the destination, which
is atomic per entry on one file system; ``index.html`` goes last, so a page never points at
assets that are not there yet.

An interrupt must stop the build even when it lands where Python cannot raise it (in a
``__del__`` method or a callback, Python prints "Exception ignored" and carries on):
:func:`interrupts_stop` remembers every SIGINT, and :func:`publish` refuses to move a build
into place after one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from convolab._io import _umask

_INTERRUPTS: list[int] = []  # SIGINTs received while interrupts_stop() is active


def _remember(signum, frame):
    _INTERRUPTS.append(signum)
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_stop() -> Iterator[None]:
    """Within the block, Ctrl-C raises KeyboardInterrupt as usual and is remembered."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    _INTERRUPTS.clear()
    previous = signal.signal(signal.SIGINT, _remember)
    try:
        yield
    finally:
        signal.signal(
            signal.SIGINT, previous if previous is not None else signal.default_int_handler
        )


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C came, even one that something swallowed."""
    if _INTERRUPTS:
        raise KeyboardInterrupt


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh hidden directory beside ``out``, removed when the block ends (either way)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out: Path, last: str = "index.html") -> None:
    """Move every entry of ``stage`` onto ``out`` (replacing entries of the same name),
    ``last`` at the end; other files in ``out`` stay."""
    stop_if_interrupted()
    os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700; a new directory gets the umask's
    if not out.exists():
        os.replace(stage, out)  # the whole report in one rename
        return
    names = [*sorted(p.name for p in stage.iterdir() if p.name != last), last]
    for name in names:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            os.replace(target, stage / f".old-{name}")  # removed with the stage
        os.replace(stage / name, target)
