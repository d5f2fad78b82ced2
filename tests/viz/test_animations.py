"""Animations: frame counts, metadata, what the frames show, and files Pillow can decode."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from convolab import InputError, shape, signal, viz

# quad must never warn on our functions: a warning means a badly split integral
pytestmark = pytest.mark.filterwarnings("error::scipy.integrate.IntegrationWarning")
TAP = (255, 140, 0)  # the colour of a cell under the kernel (viz._grids COLOURS["tap"])
CURRENT = (155, 93, 229)  # the output cell of this step (viz._grids COLOURS["current"])
ISSUE = dict(input_size=(9, 14), kernel_size=(5, 5), stride=(2, 1), dilation=(1, 2))


@pytest.fixture(scope="module")
def box_box():
    return viz.animate_signal("box", "box")


@pytest.fixture(scope="module")
def conv():
    return viz.animate_conv2d(**ISSUE)


def _lit(frame, centres: np.ndarray, colour=TAP) -> np.ndarray:
    """Which cells show ``colour``, sampled near each cell's top-left corner (off the text)."""
    step = np.abs(centres[0, 1, 0] - centres[0, 0, 0]) if centres.shape[1] > 1 else 10.0
    points = np.rint(centres - 0.3 * step).astype(int)  # (rows, cols, 2) x, y
    return np.all(np.asarray(frame)[points[..., 1], points[..., 0]] == colour, axis=-1)


def _exp_box(t):
    return np.where(t >= -0.5, np.exp(-np.maximum(0, t - 0.5)) - np.exp(-(t + 0.5)), 0.0)


def test_signal_frames_and_metadata(box_box):
    assert 60 <= len(box_box) <= 120 and len(box_box.metadata) == len(box_box)
    t = np.array([m.t for m in box_box.metadata])
    assert np.all(np.diff(t) > 0) and t[0] < -1 and t[-1] > 1  # sweeps past both ends
    values = np.array([m.value for m in box_box.metadata])
    np.testing.assert_allclose(values, np.maximum(0, 1 - np.abs(t)), rtol=1e-6, atol=1e-12)
    assert len({frame.size for frame in box_box.frames}) == 1


def test_signal_gif_decodes_and_is_small(box_box, tmp_path):
    path = box_box.save(tmp_path / "box.gif")
    assert path.stat().st_size < 400_000
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(box_box)
        for k in range(0, gif.n_frames, 7):  # delta frames composite back to the pictures
            gif.seek(k)
            decoded = np.asarray(gif.convert("RGB"), dtype=float)
            assert np.abs(decoded - np.asarray(box_box.frames[k])).mean() < 2


def test_exponential_box_with_functions_and_path(tmp_path):
    path = tmp_path / "exp_box.gif"
    anim = viz.animate_signal(signal.exponential(), signal.box(), path=path, frames=24)
    t = np.array([m.t for m in anim.metadata])
    np.testing.assert_allclose([m.value for m in anim.metadata], _exp_box(t), rtol=1e-6, atol=1e-14)
    with Image.open(path) as gif:
        assert gif.n_frames == 24
    assert path.stat().st_size < 400_000


def test_signal_frames_show_the_colours():
    anim = viz.animate_signal("box", "box", frames=9)
    middle = np.asarray(anim.frames[4]).reshape(-1, 3)
    colours = {tuple(c) for c in np.unique(middle, axis=0)}
    for rgb in [(0x1F, 0x5F, 0xBF), (0xD6, 0x27, 0x28), (0xFF, 0xD2, 0x1F), (0, 0, 0)]:
        assert rgb in colours  # f blue, g red, area yellow, result black


def test_conv_frame_count_and_values(conv):
    out = shape.conv_output_size((9, 14), (5, 5), (2, 1), 0, (1, 2))
    assert len(conv) == out[0] * out[1] == len(conv.metadata) == 18
    assert conv.info["output_size"] == out
    assert "floor((14 + 0 + 0 - 2*(5-1) - 1) / 1) + 1 = 6" in conv.info["title"]


def test_conv_frames_highlight_exactly_the_metadata_cells(conv):
    """Read the picture back: the tap-coloured input cells are the frame's window."""
    for frame, meta in zip(conv.frames, conv.metadata):
        lit = _lit(frame, conv.info["input_pixels"])  # (Hp, Wp)
        expected = np.zeros(lit.shape, bool)
        expected[tuple(meta.cells.reshape(-1, 2).T)] = True
        np.testing.assert_array_equal(lit, expected)


def test_conv_current_output_cell_has_its_own_colour(conv):
    """The output cell of the step is purple, distinct from the orange cells under the kernel."""
    from convolab.viz._conv2d import CONV_LEGEND
    from convolab.viz._grids import COLOURS

    assert len({COLOURS[key] for key, _ in CONV_LEGEND}) == len(CONV_LEGEND)
    for frame, meta in zip(conv.frames, conv.metadata):
        current = _lit(frame, conv.info["output_pixels"], CURRENT)  # (Ho, Wo)
        assert set(zip(*np.nonzero(current))) == {tuple(meta.output)}
        assert not _lit(frame, conv.info["output_pixels"]).any()


def test_conv_values_come_from_the_engine_and_match_torch():
    anim = viz.animate_conv2d(
        (6, 7), (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), values=True, seed=3
    )
    x, w = anim.info["input"], anim.info["weight"]
    ref = torch.nn.functional.conv2d(
        torch.tensor(x)[None, None],
        torch.tensor(w)[None, None],
        stride=(2, 1),
        padding=1,
        dilation=(1, 2),
    )[0, 0].numpy()
    np.testing.assert_allclose(anim.info["output"], ref, atol=1e-9)
    for meta in anim.metadata:
        assert meta.value == pytest.approx(ref[meta.output], abs=1e-9)
    assert len(anim) == ref.size


def test_transposed_frames_partial_sums_and_highlights(tmp_path):
    anim = viz.animate_conv2d(
        (3, 4),
        (3, 3),
        stride=2,
        padding=1,
        dilation=(1, 2),
        transposed=True,
        values=True,
        path=tmp_path / "t.gif",
    )
    x, w = anim.info["input"], anim.info["weight"]
    assert len(anim) == 12  # one frame per input cell
    done = torch.zeros(1, 1, 3, 4, dtype=torch.float64)
    for k, meta in enumerate(anim.metadata):
        done[0, 0, meta.input[0], meta.input[1]] = x[meta.input]
        ref = torch.nn.functional.conv_transpose2d(
            done, torch.tensor(w)[None, None], stride=2, padding=1, dilation=(1, 2)
        )[0, 0].numpy()
        np.testing.assert_allclose(meta.values, ref, atol=1e-9)
        lit = _lit(anim.frames[k], anim.info["output_pixels"])
        kept = meta.cells[meta.outputs >= 0]
        assert set(zip(*np.nonzero(lit))) == set(map(tuple, kept))
    with Image.open(tmp_path / "t.gif") as gif:
        assert gif.n_frames == 12


def test_conv_gif_decodes(conv, tmp_path):
    path = conv.save(tmp_path / "conv.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 18
    assert "18 frames" in repr(conv)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not on PATH")
def test_mp4_when_ffmpeg_is_present(conv, tmp_path):
    path = conv.save(tmp_path / "conv.mp4")
    assert path.read_bytes()[4:8] == b"ftyp"


def test_save_refuses_other_suffixes(conv, tmp_path):
    with pytest.raises(ValueError, match=r"path must be a file name ending in .gif or .mp4"):
        conv.save(tmp_path / "conv.avi")
    assert not list(tmp_path.iterdir())


def test_gif_refuses_more_than_50_fps(conv, tmp_path):
    fast = viz.Animation(conv.frames[:2], conv.metadata[:2], 1000)
    with pytest.raises(ValueError, match=r"fps must be at most 50 for a GIF .*got 1000"):
        fast.save(tmp_path / "fast.gif")
    with pytest.raises(ValueError, match=r"fps must be at most 50 for a GIF .*got 51"):
        viz.animate_signal("box", "box", path=tmp_path / "s.gif", frames=2, fps=51)
    with pytest.raises(ValueError, match=r"fps must be at most 50 for a GIF"):
        viz.animate_conv2d((3, 3), (3, 3), path=tmp_path / "c.gif", fps=60)
    assert not list(tmp_path.iterdir())
    viz.Animation(conv.frames[:2], conv.metadata[:2], 50).save(tmp_path / "ok.gif")
    with Image.open(tmp_path / "ok.gif") as gif:
        assert gif.info["duration"] == 20  # 2 centiseconds, not 0


def test_channels_figure(tmp_path):
    picture = viz.channels_figure(
        (10, 9),
        in_channels=3,
        out_channels=5,
        kernel_size=3,
        stride=2,
        padding=1,
        path=tmp_path / "c.png",
    )
    out = shape.conv_output_size((10, 9), 3, 2, 1)
    assert picture.info == {
        "input": (10, 9, 3),
        "kernels": 5,
        "kernel": (3, 3, 3),
        "output": (*out, 5),
    }
    with Image.open(tmp_path / "c.png") as png:
        assert png.format == "PNG" and png.size == picture.image.size


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: viz.animate_signal("gausian", "box"),
            ValueError,
            r"f must be one of 'box', .* got 'gausian' \(did you mean 'gaussian'\?\)",
        ),
        (lambda: viz.animate_signal("box", 3), TypeError, r"g must be a library name"),
        (
            lambda: viz.animate_signal("box", "box", frames=1),
            ValueError,
            r"frames must be an int from 2 to 10000, got 1",
        ),
        (
            lambda: viz.animate_conv2d((9, 9), 3, stride=0),
            ValueError,
            r"stride must be an int >= 1",
        ),
        (lambda: viz.animate_conv2d((9, 9), 3, dilation=0), ValueError, r"dilation must be"),
        (lambda: viz.animate_conv2d((4, 9), 5), ValueError, r"kernel_size must be a kernel whose"),
        (
            lambda: viz.channels_figure(in_channels=17),
            ValueError,
            r"in_channels must be an int from 1 to 16",
        ),
        (lambda: viz.channels_figure((4, 4), kernel_size=5), ValueError, r"kernel_size must be"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match) as caught:
        call()
    assert isinstance(caught.value, InputError)


NAMES = list(signal.LIBRARY)


@pytest.mark.parametrize(("f", "g"), list(zip(NAMES, NAMES[1:] + NAMES[:1])))
def test_every_library_function_animates(f, g):
    anim = viz.animate_signal(f, g, frames=3)
    t = np.array([m.t for m in anim.metadata])
    exact, _ = signal.continuous_convolve(signal.get_function(f), signal.get_function(g), t)
    np.testing.assert_allclose([m.value for m in anim.metadata], exact, rtol=1e-12)
    assert len(anim.frames) == 3
