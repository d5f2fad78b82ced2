"""read_image / write_image: formats, dtypes, the pixel limit, bad files, atomic writes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from _image_files import png_header
from convolab import InputError
from convolab.image import (
    DEFAULT_MAX_PIXELS,
    FORMATS,
    peek_image,
    read_image,
    sample_image,
    write_image,
)

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("suffix", [".png", ".tif", ".bmp", ".webp"])
@pytest.mark.parametrize("channels", [None, 3, 4])
def test_lossless_round_trip(tmp_path, suffix, channels):
    if suffix == ".bmp" and channels == 4:
        pytest.skip("Pillow reads a 32-bit BMP back as RGB: its alpha does not round-trip")
    shape = (13, 17) if channels is None else (13, 17, channels)
    image = np.random.default_rng(len(shape)).integers(0, 256, shape, dtype=np.uint8)
    image.reshape(-1, shape[-1])[0, -1] = 0  # a transparent pixel keeps its colour too
    path = write_image(tmp_path / f"x{suffix}", image)
    # WebP is lossy by default, and its lossless mode drops the colour of transparent pixels
    # unless told to keep it: write it exactly with Pillow for this check
    kwargs = {"lossless": True, "exact": True} if suffix == ".webp" else {}
    if kwargs:
        Image.fromarray(image).save(path, **kwargs)
    back = read_image(path)
    if suffix == ".webp" and channels is None:  # WebP has no gray mode: 3 equal channels
        back = back[..., 0]
    np.testing.assert_array_equal(back, image)


def test_jpeg_is_close_and_drops_alpha(tmp_path):
    image = np.full((16, 16, 4), 128, dtype=np.uint8)
    path = write_image(tmp_path / "x.jpg", image)
    back = read_image(path)
    assert back.shape == (16, 16, 3) and np.abs(back.astype(int) - 128).max() <= 2


def test_uint16_and_float(tmp_path):
    deep = RNG.integers(0, 65536, (9, 8), dtype=np.uint16)
    np.testing.assert_array_equal(read_image(write_image(tmp_path / "d.png", deep)), deep)
    flt = np.linspace(0, 1, 12).reshape(3, 4)
    back = read_image(write_image(tmp_path / "f.png", flt))
    np.testing.assert_array_equal(back, np.rint(flt * 255).astype(np.uint8))
    Image.fromarray(flt.astype(np.float32), mode="F").save(tmp_path / "f.tif")
    assert read_image(tmp_path / "f.tif").dtype == np.float32


def test_palette_and_bilevel_become_rgb_and_gray(tmp_path):
    Image.new("P", (4, 3)).save(tmp_path / "p.png")
    Image.new("1", (4, 3)).save(tmp_path / "b.png")
    assert read_image(tmp_path / "p.png").shape == (3, 4, 3)
    assert read_image(tmp_path / "b.png").shape == (3, 4)


def test_pixel_limit_is_checked_from_the_header(tmp_path):
    path = tmp_path / "big.png"
    Image.new("L", (100, 50)).save(path)
    assert read_image(path, max_pixels=5000).shape == (50, 100)
    with pytest.raises(InputError, match=r"5000 pixels \(100x50\), more than max_pixels=4999"):
        read_image(path, max_pixels=4999)
    assert Image.MAX_IMAGE_PIXELS is not None  # Pillow's own setting is restored


@pytest.mark.parametrize("mode", [None, "L", "RGB"])
def test_a_bomb_header_is_refused_before_decoding(tmp_path, mode):
    bomb = tmp_path / "bomb.png"
    png_header(bomb, 50_000, 50_000)
    with pytest.raises(InputError, match=r"2500000000 pixels \(50000x50000\), more than max_pix"):
        read_image(bomb, mode=mode)
    assert DEFAULT_MAX_PIXELS == 2 * Image.MAX_IMAGE_PIXELS  # where Pillow itself refuses


@pytest.mark.filterwarnings("error")  # Pillow's DecompressionBombWarning would fail the test
def test_a_10000_by_10000_image_is_read_without_warnings(tmp_path):
    path = tmp_path / "large.png"
    Image.new("1", (10_000, 10_000), 1).save(path)  # 100 Mpx: Pillow would warn
    image = read_image(path, mode="L")
    assert image.shape == (10_000, 10_000) and image[0, 0] == 255 and image[-1, -1] == 255


def test_modes_give_a_models_input(tmp_path):
    rgb = RNG.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "c.png")
    np.testing.assert_array_equal(
        read_image(tmp_path / "c.png", mode="L"), np.asarray(Image.fromarray(rgb).convert("L"))
    )
    deep = (np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000).astype(np.uint16)
    Image.fromarray(deep).save(tmp_path / "d.png")
    np.testing.assert_array_equal(
        read_image(tmp_path / "d.png", mode="RGB"),
        np.repeat(np.rint(deep / 257).astype(np.uint8)[..., None], 3, axis=2),
    )
    with pytest.raises(InputError, match="mode must be one of 'L', 'RGB', got 'P'"):
        read_image(tmp_path / "c.png", mode="P")


def test_32_bit_integer_images_holding_16_bit_values_are_uint16(tmp_path):
    values = np.array([[0, 300, 65535]], dtype=np.int32)
    Image.fromarray(values, "I").save(tmp_path / "i.tif")
    back = read_image(tmp_path / "i.tif")
    assert back.dtype == np.uint16
    np.testing.assert_array_equal(back, values)
    np.testing.assert_array_equal(read_image(tmp_path / "i.tif", mode="L"), [[0, 1, 255]])


def test_a_transparent_palette_entry_becomes_alpha(tmp_path):
    image = Image.new("P", (4, 3), 1)
    image.putpalette([0, 0, 0, 255, 255, 255])
    image.info["transparency"] = 1
    image.save(tmp_path / "t.png", transparency=1)
    rgba = read_image(tmp_path / "t.png")
    assert rgba.shape == (3, 4, 4) and np.all(rgba[..., 3] == 0)


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_image(tmp_path / "missing.png")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match="is not an image file"):
        read_image(text)
    good = tmp_path / "good.png"
    Image.fromarray(RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:400])
    with pytest.raises(InputError, match="truncated or corrupt"):
        read_image(cut)
    header = tmp_path / "header.pgm"
    header.write_bytes(b"P5\n")  # Pillow: ValueError("Reached EOF while reading header")
    with pytest.raises(InputError, match=r"cannot read image .*header\.pgm.* truncated or corrupt"):
        read_image(header)


def test_write_refuses_to_overwrite_and_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "out.png"
    path.write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        write_image(path, np.zeros((2, 2), np.uint8))
    assert path.read_bytes() == b"mine"
    with pytest.raises(ValueError, match="output must be a file name ending in"):
        write_image(tmp_path / "out.gif", np.zeros((2, 2), np.uint8))
    with pytest.raises(TypeError):  # Pillow cannot make an image of complex numbers
        write_image(tmp_path / "bad.png", np.zeros((2, 2), np.complex128))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    assert set(FORMATS) >= {".png", ".jpg", ".tif", ".bmp", ".webp"}


def test_sample_images_are_real_photos():
    astronaut = sample_image()
    assert astronaut.shape == (512, 512, 3) and astronaut.dtype == np.uint8
    assert astronaut.std() > 30  # a photograph, not a flat placeholder
    assert sample_image("camera").shape == (512, 512)
    with pytest.raises(ValueError, match="name must be one of 'astronaut', 'camera'"):
        sample_image("lena")


@pytest.mark.parametrize(
    ("mode", "size", "channels"),
    [
        ("L", (5, 3), 1),
        ("LA", (4, 4), 2),
        ("RGB", (2, 7), 3),
        ("RGBA", (6, 1), 4),
        ("1", (3, 3), 1),
    ],
)
def test_peek_image_reads_the_header_only(tmp_path, mode, size, channels):
    path = tmp_path / "x.png"
    Image.new(mode, size).save(path)
    assert peek_image(path) == (size[1], size[0], channels)
    assert read_image(path).shape[2:] in ((), (channels,))  # what read_image then returns


def test_peek_image_checks_like_read_image(tmp_path):
    bomb = tmp_path / "bomb.png"
    png_header(bomb, 50_000, 50_000)
    with pytest.raises(InputError, match="more than max_pixels=178956970"):
        peek_image(bomb)
    assert peek_image(bomb, max_pixels=2_500_000_000) == (50_000, 50_000, 1)
    with pytest.raises(FileNotFoundError):
        peek_image(tmp_path / "missing.png")
    (tmp_path / "t.png").write_text("text")
    with pytest.raises(InputError, match="is not an image file"):
        peek_image(tmp_path / "t.png")


@pytest.mark.parametrize("mode", [None, "L", "RGB"])
def test_arrays_are_writable(tmp_path, mode):
    Image.new("RGB", (3, 2)).save(tmp_path / "x.png")  # torch.from_numpy warns on read-only
    assert read_image(tmp_path / "x.png", mode=mode).flags.writeable


@pytest.mark.filterwarnings("error")
@settings(max_examples=60)
@given(
    st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM"]),
    st.integers(0, 2**32 - 1),
)
def test_a_damaged_file_reads_or_is_an_input_error(tmp_path_factory, fmt, seed):
    rng = np.random.default_rng(seed)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)).save(buffer, fmt)
    data = bytearray(buffer.getvalue())
    if seed % 2:
        data = data[: rng.integers(0, len(data))]  # cut short
    for at in rng.integers(0, max(len(data), 1), rng.integers(1, 6)):
        if data:
            data[at] = rng.integers(0, 256)  # a few bytes damaged
    path = tmp_path_factory.mktemp("damaged") / f"x.{fmt.lower()}"
    path.write_bytes(bytes(data))
    for mode in (None, "L"):
        try:
            image = read_image(path, mode=mode)
        except InputError as exc:
            assert str(path) in str(exc)
        else:
            assert image.ndim in (2, 3) and image.size > 0
