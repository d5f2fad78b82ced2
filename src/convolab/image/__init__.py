"""convolab.image: the classic kernels on real photos, filtered by :mod:`convolab.functional`.

Filters follow ``scipy.ndimage``: correlation by default (``convolve=True`` flips the kernel),
the anchor at ``(kh // 2, kw // 2)`` (OpenCV's default for odd and even sizes), boundary
modes 'reflect', 'constant', 'nearest', 'mirror' and 'wrap'. Integers are rounded and
saturated, floats keep their dtype, alpha is left untouched.

Kernel bank
-----------
list_kernels       -- names of the bank (identity, box_blur, gaussian_blur, sobel_x, ...)
get_kernel         -- the 2-D float64 matrix of a linear kernel, by name and parameters
get_kernel_pair    -- the (x, y) pair of a gradient-magnitude entry ('edges')
kernel_info        -- a bank entry: summary, parameters, how its response looks
ALIASES            -- short names ('blur', 'edges', 'laplacian', ...) and what they mean

Filtering
---------
filter_image       -- one 2-D kernel over a gray/RGB/RGBA image (separable, direct or FFT)
apply_kernel       -- a bank kernel by name, x/y pairs combined as sqrt(gx^2 + gy^2)
correlate_image    -- the unrounded float response of filter_image
to_image_dtype     -- a float response rounded/saturated into an image's dtype, alpha kept
check_kernel       -- a kernel as a finite, non-empty 2-D float64 array, or a clear error
MODES              -- the boundary modes, as scipy.ndimage names them
METHODS            -- 'auto', 'separable', 'direct', 'fft'

Images
------
read_image         -- a PNG/JPEG/TIFF/BMP/WebP file as an array, with a pixel limit: the one
                      image reader of convolab (filters, predict, inspect, folder data sets)
peek_image         -- (height, width, channels) of an image file from its header, limit checked
convert_mode       -- an image as a model's uint8 gray ('L') or RGB input, alpha over white
luminance          -- the gray version of an image: ITU-R BT.601 luma, as Pillow's 'L'
write_image        -- an array to a file, atomically, never overwriting by surprise
sample_image       -- a real photograph bundled with scikit-image (works offline)
to_display         -- a filter response scaled for viewing (signed -> mid-grey, magnitude)
display_kernel     -- a bank kernel applied and scaled for viewing, in one call
FORMATS            -- file suffixes read_image / write_image handle, and their formats
compare_grid       -- the original and several filtered versions side by side, labelled
"""

from convolab.image._display import compare_grid, display_kernel, to_display
from convolab.image._filter import (
    METHODS,
    MODES,
    apply_kernel,
    check_kernel,
    correlate_image,
    filter_image,
    to_image_dtype,
)
from convolab.image._io import (
    DEFAULT_MAX_PIXELS,
    FORMATS,
    peek_image,
    read_image,
    sample_image,
    write_image,
)
from convolab.image._kernels import (
    ALIASES,
    KernelInfo,
    get_kernel,
    get_kernel_pair,
    kernel_info,
    list_kernels,
)
from convolab.image._pixels import convert_mode, luminance

__all__ = [
    "ALIASES",
    "DEFAULT_MAX_PIXELS",
    "FORMATS",
    "METHODS",
    "MODES",
    "KernelInfo",
    "apply_kernel",
    "check_kernel",
    "compare_grid",
    "convert_mode",
    "correlate_image",
    "display_kernel",
    "filter_image",
    "get_kernel",
    "get_kernel_pair",
    "kernel_info",
    "list_kernels",
    "luminance",
    "peek_image",
    "read_image",
    "sample_image",
    "to_display",
    "to_image_dtype",
    "write_image",
]
