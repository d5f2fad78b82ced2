"""Interactive convolution visualizer: a page in the browser, served or self-contained.

The page (``static/``: HTML, CSS, JavaScript as plain ES modules) draws the input, weight and
output grids of a 1-D or 2-D (transposed) convolution, links each output cell to the inputs
and weights it sums, and filters photos with the kernel bank of :mod:`convolab.image`. Its
JavaScript re-implements :mod:`convolab.shape`'s formulas and error messages; the browser
tests hold the two to the same answers.

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
