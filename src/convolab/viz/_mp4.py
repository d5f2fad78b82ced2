"""An H.264 MP4 written frame by frame through the ``ffmpeg`` program (raw RGB on its stdin).

Frames go to ffmpeg as they are drawn, so memory stays one frame deep whatever their count.
ffmpeg's messages go to a temporary file rather than a pipe: a pipe nobody reads fills up and
blocks ffmpeg, and then this writer, for good.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from convolab._args import InvalidValueError, invalid


def _command(ffmpeg: str, size: tuple[int, int], fps: int, path: Path) -> list[str]:
    width, height = size
    return [
        ffmpeg,
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{width}x{height}",
        "-r",
        str(fps),
        "-i",
        "-",
        # yuv420p needs even sizes; the pad filter adds at most one white pixel
        "-vf",
        "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=white",
        "-pix_fmt",
        "yuv420p",
        "-vcodec",
        "libx264",
        "-f",
        "mp4",
        str(path),
    ]


class Mp4Writer:
    """Write RGB frames of one size to ``path`` at ``fps`` with ffmpeg (which must be on PATH).

    :meth:`add` each frame, in order, then :meth:`close` (or :meth:`abort`). ffmpeg starts
    with the first frame (it needs the size) and is never left running.
    """

    def __init__(self, path: str | Path, fps: int):
        self.ffmpeg = shutil.which("ffmpeg")
        if self.ffmpeg is None:
            raise invalid("path", str(path), "a .gif file: writing .mp4 needs ffmpeg on PATH")
        self.path, self.fps = Path(path), fps
        self.size: tuple[int, int] | None = None
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def add(self, frame: Image.Image) -> None:
        frame = frame.convert("RGB")
        if self.process is None:
            self.size = frame.size
            command = _command(self.ffmpeg, frame.size, self.fps, self.path)
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log
            )
        elif frame.size != self.size:
            raise invalid("frames", frame, f"images of one size, {self.size[0]}x{self.size[1]}")
        try:
            self.process.stdin.write(frame.tobytes())
        except BrokenPipeError:  # ffmpeg stopped reading: it says why in its log
            self._fail()

    def abort(self) -> None:
        """Stop writing (an error or Ctrl-C in the caller): ffmpeg is killed."""
        self._stop()
        self.log.close()

    def close(self) -> None:
        """Finish the file; an ffmpeg failure raises with ffmpeg's own message."""
        if self.process is None:
            raise invalid("frames", [], "at least one frame")
        with contextlib.suppress(BrokenPipeError):  # ffmpeg gone: its exit code says why
            self.process.stdin.close()
        if self.process.wait() != 0:
            self._fail()
        self.log.close()

    def _fail(self) -> None:
        self._stop()
        self.log.seek(0)
        message = self.log.read().decode(errors="replace").strip().splitlines()
        self.log.close()
        # the user's ffmpeg or disk, not convolab: one line, with ffmpeg's own reason
        raise InvalidValueError(
            f"ffmpeg could not write {str(self.path)!r} (exit code {self.process.returncode}): "
            + (message[-1] if message else "no message")
            + "; a .gif needs no ffmpeg"
        )

    def _stop(self) -> None:
        """ffmpeg ended: killed if it still runs (an error or Ctrl-C in the caller)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()
            if not self.process.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    self.process.stdin.close()
