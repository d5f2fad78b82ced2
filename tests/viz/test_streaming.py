"""Frames stream to the encoder: memory one frame deep, files that decode to every frame."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import weakref

import numpy as np
import pytest
from PIL import Image

from convolab import InputError, viz
from convolab.cli import main
from convolab.viz._gif import CLEAR, GifWriter


def _flat_frames(count: int, size=(60, 40)):
    """Frames of flat colours, made one by one; new colours (not in frame 0) from frame 3 on."""
    colours = [(255, 255, 255), (200, 30, 30), (30, 160, 60), (20, 40, 220), (250, 200, 0)]
    for k in range(count):
        pixels = np.full((size[1], size[0], 3), 255, np.uint8)
        pixels[5 : 5 + k % 30, 3:20] = colours[1]
        if k >= 3:
            pixels[20:35, 25 + k % 20 : 40 + k % 20] = colours[2 + k % 3]
        yield Image.fromarray(pixels)


def _decoded(path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB")))
    return frames


def test_gif_decodes_to_every_frame_with_colours_that_appear_late(tmp_path):
    frames = list(_flat_frames(12))
    frames.insert(6, frames[5].copy())  # a repeated frame stays a frame of its own
    path = viz.Animation(frames, list(range(len(frames))), 10).save(tmp_path / "flat.gif")
    decoded = _decoded(path)
    assert len(decoded) == len(frames)
    for want, got in zip(frames, decoded):
        np.testing.assert_array_equal(got, np.asarray(want))  # flat colours come back exact
    with Image.open(path) as gif:
        delays = []
        for k in range(gif.n_frames):
            gif.seek(k)
            delays.append(gif.info["duration"])
    assert delays[:-1] == [100] * (len(frames) - 1) and delays[-1] == 100 + 1500


def test_gif_of_a_real_animation_matches_its_frames(tmp_path):
    anim = viz.animate_conv2d((5, 6), (3, 3), stride=(2, 1), values=True, path=tmp_path / "c.gif")
    decoded = _decoded(tmp_path / "c.gif")
    assert len(decoded) == len(anim) == 8
    for want, got in zip(anim.iter_frames(), decoded):
        assert np.abs(got.astype(float) - np.asarray(want)).mean() < 1.5


def test_the_writer_holds_one_frame_at_a_time(tmp_path):
    alive = []  # weak references to the frames handed out so far

    def draw():
        for frame in _flat_frames(30):
            # only the frame being encoded is still alive (the caller's loop variable)
            assert sum(ref() is not None for ref in alive) <= 1
            alive.append(weakref.ref(frame))
            yield frame

    anim = viz.Animation(draw, list(range(30)), 10)
    anim.save(tmp_path / "a.gif")
    assert anim._frames is None  # saving drew the frames without keeping them
    assert len(_decoded(tmp_path / "a.gif")) == 30


def test_animations_are_saved_without_keeping_their_frames(tmp_path):
    anim = viz.animate_signal("box", "box", frames=8, path=tmp_path / "s.gif")
    conv = viz.animate_conv2d((4, 4), 3, path=tmp_path / "c.gif")
    scatter = viz.animate_conv2d((2, 3), 3, stride=2, transposed=True, path=tmp_path / "t.gif")
    assert anim._frames is None and conv._frames is None and scatter._frames is None
    assert len(list(conv.iter_frames())) == len(conv) == 4  # drawn again, on demand
    assert [f.size for f in anim.frames] == [anim.frames[0].size] * 8  # kept once asked for


def test_frames_of_two_sizes_are_refused(tmp_path):
    frames = [Image.new("RGB", (8, 8)), Image.new("RGB", (9, 8))]
    with pytest.raises(InputError, match=r"frames must be images of one size, 8x8 pixels"):
        viz.Animation(frames, [0, 1], 10).save(tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_animation_is_refused(tmp_path):
    with pytest.raises(InputError, match="frames must be at least one frame"):
        viz.Animation([], [], 10).save(tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []
    writer = GifWriter(tmp_path / "y.gif", 10)
    writer.abort()
    assert CLEAR == 63


def _peak_rss_mb(argv: list[str]) -> float:
    """Peak resident memory of ``convolab ARGV`` run in a fresh interpreter, in MB."""
    code = (
        "import resource, sys\n"
        "from convolab.cli import main\n"
        f"assert main({argv!r}) == 0\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return int(result.stderr.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def test_memory_does_not_grow_with_the_frame_count(tmp_path):
    few = _peak_rss_mb(["animate", "signal", "--frames", "10", "-o", str(tmp_path / "a.gif")])
    many = _peak_rss_mb(["animate", "signal", "--frames", "100", "-o", str(tmp_path / "b.gif")])
    # holding the frames cost about 1.6 MB each: 90 more frames were about 140 MB more
    assert many - few < 40, (few, many)
    with Image.open(tmp_path / "b.gif") as gif:
        assert gif.n_frames == 100


def test_frames_has_an_upper_bound_checked_before_work(tmp_path, capsys):
    out = tmp_path / "x.gif"
    start = time.perf_counter()
    assert main(["animate", "signal", "--frames", "100000", "-o", str(out)]) == 2
    assert time.perf_counter() - start < 5
    err = capsys.readouterr().err
    assert err == "convolab animate: error: --frames must be an int from 2 to 10000, got 100000\n"
    assert not out.exists()
    with pytest.raises(InputError, match=r"frames must be an int from 2 to 10000, got 10001"):
        viz.animate_signal("box", "box", frames=10_001)
    assert viz.MAX_FRAMES == 10_000


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not on PATH")
def test_mp4_streams_every_frame(tmp_path):
    path = tmp_path / "s.mp4"
    viz.animate_signal("box", "exponential", frames=17, path=path)
    assert path.read_bytes()[4:8] == b"ftyp"
    probe = subprocess.run(
        ["ffmpeg", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert int(re.findall(r"frame=\s*(\d+)", probe.stderr)[-1]) == 17
    frames = [Image.new("RGB", (8, 8)), Image.new("RGB", (9, 8))]
    with pytest.raises(InputError, match=r"frames must be images of one size"):
        viz.Animation(frames, [0, 1], 10).save(tmp_path / "x.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.mp4"]


def test_an_ffmpeg_that_fails_is_a_one_line_error(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    frames = list(_flat_frames(3))
    with pytest.raises(InputError, match=r"ffmpeg could not write .* Unknown encoder libx264"):
        viz.Animation(frames, [0, 1, 2], 10).save(tmp_path / "x.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]  # no partial file
