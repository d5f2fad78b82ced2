"""``convolab filter``: real files in and out, the grid, every bad input as one line + exit 2."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from _image_files import png_header
from convolab.cli import main
from convolab.image import apply_kernel, display_kernel, read_image

RNG = np.random.default_rng(5)


def run(capsys, *argv):
    code = main(["filter", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    Image.fromarray(RNG.integers(0, 256, (40, 56, 3), dtype=np.uint8)).save(path)
    return path


def test_kernel_with_clip_scale_writes_exactly_apply_kernel(capsys, tmp_path, photo):
    out = tmp_path / "sharp.png"
    code, text, err = run(
        capsys,
        str(photo),
        "--kernel",
        "sharpen",
        "--amount",
        "0.5",
        "--scale",
        "clip",
        "--mode",
        "wrap",
        "-o",
        str(out),
    )
    assert code == 0 and err == "" and "wrote" in text
    want = apply_kernel(read_image(photo), "sharpen", "wrap", amount=0.5)
    np.testing.assert_array_equal(read_image(out), want)


@pytest.mark.parametrize("suffix", [".jpg", ".tif", ".bmp", ".webp"])
def test_output_formats(capsys, tmp_path, photo, suffix):
    out = tmp_path / f"blur{suffix}"
    code, _, err = run(capsys, str(photo), "-k", "blur", "--sigma", "2", "-o", str(out))
    assert code == 0, err
    assert read_image(out).shape == (40, 56, 3)


def test_convolve_flips_the_kernel(capsys, tmp_path, photo):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert run(capsys, str(photo), "-k", "sobel_x", "--scale", "clip", "-o", str(a))[0] == 0
    assert (
        run(capsys, str(photo), "-k", "sobel_x", "--scale", "clip", "--convolve", "-o", str(b))[0]
        == 0
    )
    np.testing.assert_array_equal(
        read_image(b), apply_kernel(read_image(photo), "sobel_x", convolve=True)
    )


def test_compare_grid_on_the_bundled_photo(capsys, tmp_path):
    out = tmp_path / "grid.png"
    code, text, err = run(capsys, "--compare", "-o", str(out))
    assert code == 0, err
    grid = read_image(out)
    assert grid.ndim == 3 and grid.shape[1] > 2 * 384  # original + 4 results, 3 per row
    assert "grid.png" in text


def test_compare_applies_options_only_where_they_fit(capsys, tmp_path, photo):
    out = tmp_path / "grid.png"
    code, _, err = run(
        capsys,
        str(photo),
        "--compare",
        "box,motion,emboss",
        "--size",
        "5",
        "--length",
        "7",
        "--angle",
        "30",
        "-o",
        str(out),
    )
    assert code == 0, err


def test_list(capsys):
    code, text, _ = run(capsys, "--list")
    assert code == 0
    assert "sobel_x" in text and "edge_magnitude" in text and "blur = gaussian_blur" in text


def test_rgba_alpha_survives_the_cli(capsys, tmp_path):
    src = tmp_path / "rgba.png"
    rgba = RNG.integers(0, 256, (20, 20, 4), dtype=np.uint8)
    Image.fromarray(rgba).save(src)
    out = tmp_path / "out.png"
    assert run(capsys, str(src), "-k", "edges", "-o", str(out))[0] == 0
    np.testing.assert_array_equal(read_image(out)[..., 3], rgba[..., 3])


def _bad_inputs(tmp_path, photo):
    text = tmp_path / "text.png"
    text.write_text("hello")
    cut = tmp_path / "cut.png"
    cut.write_bytes(photo.read_bytes()[:300])
    out = str(tmp_path / "out.png")
    cube = tmp_path / "cube.npy"
    np.save(cube, np.ones((2, 2, 2)))
    return {
        "missing file": (
            [str(tmp_path / "nope.png"), "-k", "blur", "-o", out],
            "No such file or directory",
        ),
        "not an image": ([str(text), "-k", "blur", "-o", out], "is not an image file"),
        "truncated": ([str(cut), "-k", "blur", "-o", out], "truncated or corrupt"),
        "unknown kernel": ([str(photo), "-k", "sharpn", "-o", out], "did you mean sharpen"),
        "unknown in compare": (
            [str(photo), "--compare", "blur,embos", "-o", out],
            "did you mean emboss",
        ),
        "option that does not apply": (
            [str(photo), "-k", "sharpen", "--sigma", "2", "-o", out],
            "--sigma does not apply to kernel 'sharpen'",
        ),
        "bad parameter": (
            [str(photo), "-k", "blur", "--sigma", "-1", "-o", out],
            "sigma must be a number > 0 and at most 50, got -1.0",
        ),
        "bad mode": (
            [str(photo), "-k", "blur", "--mode", "same", "-o", out],
            "mode must be one of",
        ),
        "pixel limit": (
            [str(photo), "-k", "blur", "--max-pixels", "100", "-o", out],
            "more than max_pixels=100",
        ),
        "bad suffix": (
            [str(photo), "-k", "blur", "-o", str(tmp_path / "out.gif")],
            "output must end in one of",
        ),
        "no output": ([str(photo), "-k", "blur"], "--output/-o is required"),
        "empty matrix": ([str(photo), "--matrix", ";", "-o", out], "non-empty 2-D array"),
        "ragged matrix": ([str(photo), "--matrix", "1,2;3", "-o", out], "same length"),
        "3-D kernel file": (
            [str(photo), "--matrix", f"@{cube}", "-o", out],
            r"2-D array, got shape (2, 2, 2)",
        ),
        "infinite matrix": ([str(photo), "--matrix", "1,inf", "-o", out], "must be finite"),
        "text in matrix": ([str(photo), "--matrix", "1,a", "-o", out], "must hold numbers"),
    }


BAD_CASES = [
    "missing file",
    "not an image",
    "truncated",
    "unknown kernel",
    "unknown in compare",
    "option that does not apply",
    "bad parameter",
    "bad mode",
    "pixel limit",
    "bad suffix",
    "no output",
    "empty matrix",
    "ragged matrix",
    "3-D kernel file",
    "infinite matrix",
    "text in matrix",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_one_line_exit_2_and_no_output(capsys, tmp_path, photo, case):
    argv, message = _bad_inputs(tmp_path, photo)[case]
    before = set(tmp_path.iterdir())
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("convolab filter: error: ") and message in err
    assert set(tmp_path.iterdir()) == before  # no output, no temporary file


def test_existing_output_is_refused_without_force(capsys, tmp_path, photo):
    out = tmp_path / "out.png"
    out.write_bytes(b"precious")
    code, _, err = run(capsys, str(photo), "-k", "blur", "-o", str(out))
    assert code == 2 and "already exists; pass --force" in err
    assert out.read_bytes() == b"precious"
    assert run(capsys, str(photo), "-k", "blur", "-o", str(out), "--force")[0] == 0
    assert read_image(out).shape == (40, 56, 3)


@pytest.mark.parametrize("matrix", ["1,2;3,4", "@k.txt", "@k.npy"])
def test_custom_matrix_even_sized_is_anchored_like_opencv(capsys, tmp_path, photo, matrix):
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]]) / 10
    np.savetxt(tmp_path / "k.txt", kernel * 10, delimiter=",")
    np.save(tmp_path / "k.npy", kernel * 10)
    matrix = matrix.replace("@", f"@{tmp_path}/")
    out = tmp_path / "m.png"
    code, text, err = run(capsys, str(photo), "--matrix", matrix, "--scale", "clip", "-o", str(out))
    assert code == 0, err
    assert "anchored at K[1, 1]" in text
    import cv2

    want = cv2.filter2D(
        read_image(photo).astype(np.float64), -1, kernel * 10, borderType=cv2.BORDER_REFLECT
    )  # anchor (-1, -1): the default
    np.testing.assert_array_equal(read_image(out), np.clip(np.rint(want), 0, 255))


def test_kernel_errors_from_the_library_reach_the_user(capsys, tmp_path, photo):
    # a 2-D, non-empty kernel is checked by filter_image; via the CLI every bank kernel is valid
    code, _, err = run(
        capsys, str(photo), "-k", "box", "--size", "0", "-o", str(tmp_path / "o.png")
    )
    assert code == 2 and "size must be an int from 1 to 301, got 0" in err


def test_decompression_bomb_refused_with_the_default_limit(capsys, tmp_path):
    bomb = tmp_path / "bomb.png"
    png_header(bomb, 50_000, 50_000)  # 2.5 Gpx claimed in a 100-byte file
    out = tmp_path / "out.png"
    code, _, err = run(capsys, str(bomb), "-k", "blur", "-o", str(out))
    assert code == 2 and err.count("\n") == 1
    assert "2500000000 pixels (50000x50000), more than max_pixels=178956970" in err
    assert not out.exists()


def test_kernel_parameters_out_of_range_are_refused_before_work(capsys, tmp_path, photo):
    out = tmp_path / "out.png"
    code, _, err = run(
        capsys, str(photo), "-k", "motion_blur", "--length", "100000", "-o", str(out)
    )
    assert code == 2 and err == (
        "convolab filter: error: length must be an int from 1 to 301, got 100000\n"
    )
    assert not out.exists()


def test_kernel_option_help_states_the_bank_ranges():
    from convolab.cli.filter import KERNEL_OPTIONS
    from convolab.image._kernels import MAX_AMOUNT, MAX_SIGMA, MAX_SIZE

    helps = {name: text for name, _, text in KERNEL_OPTIONS}
    assert f"1 to {MAX_SIZE}" in helps["size"] and f"1 to {MAX_SIZE}" in helps["length"]
    assert f"at most {MAX_SIGMA:g}" in helps["sigma"]
    assert f"{-MAX_AMOUNT:g} to {MAX_AMOUNT:g}" in helps["amount"]


@pytest.mark.parametrize("kernel", ["edges", "emboss", "blur"])
def test_gray_filters_the_luminance(capsys, tmp_path, photo, kernel):
    out = tmp_path / "gray.png"
    code, _, err = run(capsys, str(photo), "-k", kernel, "--gray", "-o", str(out))
    assert code == 0, err
    luma = np.asarray(Image.open(photo).convert("L"))  # Pillow's BT.601 luma
    np.testing.assert_array_equal(read_image(out), display_kernel(luma, kernel))
    assert read_image(out).shape == (40, 56)


def test_gray_keeps_alpha_and_applies_to_compare_and_matrix(capsys, tmp_path):
    src = tmp_path / "rgba.png"
    rgba = RNG.integers(0, 256, (20, 24, 4), dtype=np.uint8)
    Image.fromarray(rgba).save(src)
    out = tmp_path / "out.png"
    assert run(capsys, str(src), "-k", "sobel_x", "--gray", "-o", str(out))[0] == 0
    back = read_image(out)
    assert back.shape == (20, 24, 2)
    np.testing.assert_array_equal(back[..., 1], rgba[..., 3])
    out = tmp_path / "m.png"
    code, _, err = run(
        capsys, str(src), "--matrix", "0,1,0", "--gray", "--scale", "clip", "-o", str(out)
    )
    assert code == 0, err
    np.testing.assert_array_equal(read_image(out), np.asarray(Image.fromarray(rgba).convert("LA")))
    grid = tmp_path / "grid.png"
    assert run(capsys, str(src), "--compare", "blur,edges", "--gray", "-o", str(grid))[0] == 0
    tiles = read_image(grid)
    assert np.array_equal(tiles[..., 0], tiles[..., 1]) and np.array_equal(
        tiles[..., 1], tiles[..., 2]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-k", "blur", "--max-pixels", "100"], "photo has 262144 pixels (512x512), more than"),
        (["-k", "blur", "--max-pixels", "-1"], "--max-pixels must be an int >= 1, got -1"),
        (["--matrix", "1", "--max-pixels", "0"], "--max-pixels must be an int >= 1, got 0"),
    ],
)
def test_max_pixels_checked_without_photo(capsys, tmp_path, argv, message):
    out = tmp_path / "f.png"
    code, _, err = run(capsys, *argv, "-o", str(out))
    assert code == 2 and message in err and not out.exists()


def test_wrote_line_is_prefixed(capsys, tmp_path, photo):
    code, text, _ = run(capsys, str(photo), "-k", "blur", "-o", str(tmp_path / "b.png"))
    assert code == 0 and text.startswith("convolab filter: wrote ")
