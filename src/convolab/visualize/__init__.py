"""Interactive convolution visualizer: a page in the browser, served or self-contained.

The page (``static/``: HTML, CSS, JavaScript as plain ES modules) draws the input, weight and
output grids of a 1-D or 2-D (transposed) convolution, links each output cell to the inputs
and weights it sums (each kernel position in its own colour), each weight to every input it
multiplies and output it feeds, takes values typed into the input and weight cells, keeps its
state in the URL's fragment (a link or a reload shows the same), and filters photos with the
kernel bank of :mod:`convolab.image` in every boundary mode. Its JavaScript re-implements
:mod:`convolab.shape`'s geometry and messages, the layer checks, the forward pass and the
image filter; ``tests/visualize/golden.json`` holds Python's answers and ``node --test``
checks the JavaScript against them (``make test``).

Served by ``convolab visualize`` (ES modules over HTTP), or written as one file with
``convolab visualize --save page.html`` (:func:`page_html`: CSS, a classic-script bundle of
the modules and the kernels inlined), which also works from ``file://`` and embeds in reports.

page_html      -- the page as one self-contained HTML string
make_server    -- a bound HTTP server for the page (127.0.0.1 by default)
server_url     -- the http:// address of such a server
is_loopback    -- whether a host name or address is loopback only
kernel_bank    -- the kernel bank of convolab.image as the page's JSON
photo_png      -- a bundled scikit-image photo as PNG bytes
PHOTOS         -- the names of the bundled photos
"""

from convolab.visualize._data import PHOTOS, kernel_bank, photo_png
from convolab.visualize._page import page_html
from convolab.visualize._server import is_loopback, make_server, server_url

__all__ = [
    "PHOTOS",
    "is_loopback",
    "kernel_bank",
    "make_server",
    "page_html",
    "photo_png",
    "server_url",
]
