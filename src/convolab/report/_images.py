"""Section 4: the classic kernels on a real photograph."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import esc, figure, paragraph, table

KERNELS = ("blur", "sharpen", "edges", "emboss", "laplacian", "sobel_x", "motion_blur")


def images_section(ctx: DemoContext) -> str:
    from PIL import Image

    from convolab import image

    photo = image.sample_image("astronaut")  # (512, 512, 3) uint8
    tiles = [("original", photo)]
    tiles += [(name, image.display_kernel(photo, name)) for name in KERNELS]
    grid = image.compare_grid(tiles, columns=4)
    path, url = ctx.asset("filters.png")
    Image.fromarray(grid).save(path, optimize=True)
    rows = [(name, image.kernel_info(name).summary) for name in KERNELS]
    return (
        paragraph(
            "Filtering changes an image's values, not where they are. Each tile is the "
            "astronaut photograph bundled with scikit-image, filtered by "
            "<code>convolab.image</code> (cross-correlation with reflected borders, like "
            "<code>scipy.ndimage</code>): blurs average, sharpening adds back the detail a blur "
            "removes, edge kernels respond where intensity changes, emboss shades the "
            "gradient. Signed responses are shown around mid-grey."
        )
        + figure(
            url,
            "The classic kernels on a real photograph: " + esc(", ".join(KERNELS)) + ".",
            alt="filter comparison grid",
            width=1000,
        )
        + table(["kernel", "what it is"], rows)
    )
