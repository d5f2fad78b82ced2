"""The server and ``convolab visualize``: routes, loopback only, busy port, Ctrl-C, --save."""

from __future__ import annotations

import base64
import io
import json
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
import skimage.data
from PIL import Image

from convolab import image
from convolab.visualize import PHOTOS, is_loopback, kernel_bank, make_server, page_html, photo_png
from convolab.visualize._bundle import bundle
from convolab.visualize._page import EMBEDDED_PHOTO, EMBEDDED_SIDE, STATIC

CLI = [sys.executable, "-m", "convolab", "visualize"]


@pytest.fixture(scope="module")
def base(server_address) -> str:
    return server_address


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("", "text/html"),
        ("style.css", "text/css"),
        ("js/main.js", "text/javascript"),
        ("js/shape.js", "text/javascript"),
        ("kernels.json", "application/json"),
        ("photos.json", "application/json"),
        ("photos/camera.png", "image/png"),
    ],
)
def test_routes(base, path, kind):
    status, content_type, body = _get(base + path)
    assert status == 200
    assert content_type.startswith(kind)
    assert body


@pytest.mark.parametrize(
    "path",
    [
        "../_server.py",
        "%2e%2e/_server.py",
        "js/../../_data.py",
        "nothing.js",
        "photos/nothing.png",
        "photos/../_page.py",
        "__init__.py",
    ],
)
def test_nothing_outside_the_static_files(base, path):
    assert _get(base + path)[0] == 404


def test_the_kernel_bank_is_convolab_image():
    bank = json.loads(json.dumps(kernel_bank()))  # as the page gets it
    names = [entry["name"] for entry in bank["kernels"]]
    assert names == image.list_kernels()
    for entry in bank["kernels"]:
        if "pair" in entry:
            for got, want in zip(entry["pair"], image.get_kernel_pair(entry["name"])):
                np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_array_equal(entry["weights"], image.get_kernel(entry["name"]))


def test_photos():
    camera = np.asarray(Image.open(io.BytesIO(photo_png("camera"))))
    astronaut = np.asarray(Image.open(io.BytesIO(photo_png("astronaut"))))
    assert camera.shape == (256, 256) and astronaut.shape == (256, 256, 3)
    assert all(hasattr(skimage.data, name) for name in PHOTOS)
    with pytest.raises(ValueError, match=r"photo must be one of 'camera', .*, got 'moon'"):
        photo_png("moon")


def test_the_server_binds_to_loopback_by_default():
    server = make_server(port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("10.0.0.1", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def _free_listener() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_a_busy_port_is_one_line_and_exit_2():
    with _free_listener() as busy:
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*CLI, "--port", str(port), "--no-browser"], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0]
    assert "--port" in lines[0]


def test_a_non_loopback_host_is_warned_about():
    """192.0.2.1 (TEST-NET-1) is no address of this machine: warned, then refused to bind."""
    done = subprocess.run(
        [*CLI, "--host", "192.0.2.1", "--port", "0", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    warning, error = done.stderr.strip().splitlines()
    assert "warning: --host 192.0.2.1 makes the visualizer reachable from other machines" in warning
    assert error.startswith("convolab visualize: error:")
    assert done.returncode == 2


def test_a_port_out_of_range_is_one_line_and_exit_2(capsys):
    from convolab.cli import main

    assert main(["visualize", "--port", "70000", "--no-browser"]) == 2
    err = capsys.readouterr().err
    expected = "--port must be an int between 0 and 65535, got 70000"
    assert err == f"convolab visualize: error: {expected}\n"


def test_ctrl_c_stops_the_server_cleanly():
    proc = subprocess.Popen(
        [*CLI, "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first).group(0)
        assert _get(url)[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert out.strip() == "convolab visualize: stopped"
    assert err == ""


def test_save_writes_the_self_contained_page(tmp_path):
    out = tmp_path / "page.html"
    done = subprocess.run([*CLI, "--save", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html == page_html()
    again = subprocess.run([*CLI, "--save", str(out)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "--force" in again.stderr


@pytest.mark.parametrize("name", ["vis.txt", "vis", "vis.html.bak"])
def test_save_requires_an_html_name(tmp_path, capsys, name):
    from convolab.cli import main

    assert main(["visualize", "--save", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert "--save must end in .html or .htm, got" in err and len(err.splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_save_accepts_htm(tmp_path, capsys):
    from convolab.cli import main

    assert main(["visualize", "--save", str(tmp_path / "Vis.HTM")]) == 0
    assert (tmp_path / "Vis.HTM").read_text(encoding="utf-8") == page_html()


def test_the_single_file_page_loads_nothing():
    html = page_html()
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", html)  # no file, no URL
    assert 'type="module"' not in html and "<link" not in html.replace('<link rel="icon"', "")
    assert 'id="convolab-data"' in html
    assert re.search(r"https?://", html) is None


def test_the_single_file_page_embeds_one_small_photo():
    html = page_html()
    data = json.loads(re.search(r'id="convolab-data">(.*?)</script>', html).group(1))
    (photo,) = data["photos"]
    assert photo["name"] == EMBEDDED_PHOTO
    prefix = "data:image/png;base64,"
    assert photo["url"].startswith(prefix)
    png = base64.b64decode(photo["url"][len(prefix) :])
    picture = np.asarray(Image.open(io.BytesIO(png)))
    assert picture.shape == (EMBEDDED_SIDE, EMBEDDED_SIDE)  # camera is square and grey
    assert png == photo_png(EMBEDDED_PHOTO, EMBEDDED_SIDE)
    assert len(html.encode()) < 160 * 1024  # the photo costs about 27 KiB of the page


def _modules(tmp_path, **sources) -> str:
    for name, text in sources.items():
        (tmp_path / f"{name}.js").write_text(text)
    return bundle(tmp_path, "main")


def test_bundle_orders_modules_and_binds_imports(tmp_path):
    script = _modules(
        tmp_path,
        main='import { twice, base as b } from "./lib.js";\nexport const answer = twice(b);\n',
        lib="export const base = 21;\nexport function twice(v) {\n  return 2 * v;\n}\n",
    )
    assert script.index("const __lib") < script.index("const __main")
    assert "const { twice, base: b } = __lib;" in script
    assert "return { base, twice };" in script
    assert "export" not in script and "import" not in script


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ({"main": 'import lib from "./lib.js";\n', "lib": ""}, "import/export form"),
        ({"main": "export default 1;\n"}, "import/export form"),
        (
            {"main": 'import { a } from "./lib.js";\n', "lib": 'import { b } from "./main.js";\n'},
            "import cycle",
        ),
        ({"main": 'const s = "</script>";\n'}, "</script"),
    ],
)
def test_bundle_refuses_what_it_cannot_keep_faithful(tmp_path, sources, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _modules(tmp_path, **sources)


def test_the_shipped_modules_bundle():
    assert "window.convolabVis = {" in bundle(STATIC / "js", "main")
