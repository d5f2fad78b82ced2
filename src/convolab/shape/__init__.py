"""Convolution arithmetic: output sizes, padding and receptive fields.

Every formula lives once, in :mod:`convolab.shape._geometry` (Dumoulin & Visin, "A guide to
convolution arithmetic for deep learning", arXiv:1603.07285): a :class:`Geometry` is built and
validated once per layer, and every other part of convolab (the NumPy engine, the PyTorch
layers, the model summary, the CLI and the animations) reads its sizes from one.

Geometry                    -- a layer's validated sizes, kernel, stride, dilation, pads, output
conv_geometry               -- the geometry of a convolution (any padding form)
transpose_geometry          -- the geometry of a transposed convolution
pool_geometry               -- the geometry of max/avg pooling, PyTorch's ceil_mode rule
conv_output_size            -- output size of a convolution ('same', 'valid', 'causal' included)
conv_transpose_output_size  -- output size of a transposed convolution
pool_output_size            -- output size of max/avg pooling
same_padding                -- TensorFlow 'SAME' padding (before, after) per dimension
resolve_padding             -- any padding form as explicit (before, after) pairs
padding_for                 -- smallest symmetric padding giving a wanted output size
receptive_field             -- receptive field size, jump and start after each layer
explain                     -- a formula with the numbers substituted, for people
"""

from convolab.shape._explain import explain, explain_geometry
from convolab.shape._geometry import (
    PADDING_STRINGS,
    Geometry,
    conv_geometry,
    pool_geometry,
    transpose_geometry,
)
from convolab.shape._output import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)
from convolab.shape._padding import padding_for, resolve_padding, same_padding
from convolab.shape._receptive import ReceptiveField, receptive_field

__all__ = [
    "PADDING_STRINGS",
    "Geometry",
    "ReceptiveField",
    "conv_geometry",
    "conv_output_size",
    "conv_transpose_output_size",
    "explain",
    "explain_geometry",
    "padding_for",
    "pool_geometry",
    "pool_output_size",
    "receptive_field",
    "resolve_padding",
    "same_padding",
    "transpose_geometry",
]
