"""convolab.functional: the NumPy convolution engine, mirroring ``torch.nn.functional``.

NumPy arrays in, NumPy arrays out; float32 and float64 are kept, other real dtypes become
float64. ``conv*d`` are cross-correlations like torch's; :func:`convolve` is the true,
flipped-kernel convolution. Everything rests on one primitive, :func:`sliding_windows`.

Convolution
-----------
conv1d, conv2d, conv3d                   -- cross-correlation layers (torch's conv*d)
conv_transpose1d, conv_transpose2d, ...  -- transposed convolution (torch's conv_transpose*d)
convolve                                 -- true convolution of plain 1-3-D arrays (flipped)

Gradients (torch.nn.grad)
-------------------------
conv1d_input, conv2d_input, conv3d_input    -- dL/dinput of conv*d
conv1d_weight, conv2d_weight, conv3d_weight -- dL/dweight of conv*d
conv1d_bias, conv2d_bias, conv3d_bias       -- dL/dbias of conv*d

Pooling
-------
max_pool1d, max_pool2d, max_pool3d       -- max pooling (ceil_mode, padding, dilation, indices)
max_unpool1d, max_unpool2d, max_unpool3d -- the maxima put back at their indices
avg_pool1d, avg_pool2d, avg_pool3d       -- average pooling (count_include_pad, divisor)

Windows and padding
-------------------
sliding_windows                          -- every window as trailing axes of a strided view
unfold                                   -- sliding blocks as columns (torch's F.unfold)
pad                                      -- torch's F.pad, plus numpy's 'symmetric'

Methods and memory
------------------
auto_method                              -- the method method='auto' picks for given shapes
memory_budget                            -- context manager: workspace budget in bytes
get_memory_budget, set_memory_budget     -- read / set it (default 256 MiB)
release_workspace                        -- free this thread's cached buffers
"""

from convolab.functional._api import (
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    conv1d,
    conv1d_bias,
    conv1d_input,
    conv1d_weight,
    conv2d,
    conv2d_bias,
    conv2d_input,
    conv2d_weight,
    conv3d,
    conv3d_bias,
    conv3d_input,
    conv3d_weight,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from convolab.functional._convolve import convolve
from convolab.functional._cost import auto_method
from convolab.functional._pad import pad
from convolab.functional._runtime import (
    get_memory_budget,
    memory_budget,
    release_workspace,
    set_memory_budget,
)
from convolab.functional._windows import sliding_windows, unfold

__all__ = [
    "auto_method",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "conv1d",
    "conv1d_bias",
    "conv1d_input",
    "conv1d_weight",
    "conv2d",
    "conv2d_bias",
    "conv2d_input",
    "conv2d_weight",
    "conv3d",
    "conv3d_bias",
    "conv3d_input",
    "conv3d_weight",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "convolve",
    "get_memory_budget",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "memory_budget",
    "pad",
    "release_workspace",
    "set_memory_budget",
    "sliding_windows",
    "unfold",
]
