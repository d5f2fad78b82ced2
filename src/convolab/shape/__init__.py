"""Convolution arithmetic: output sizes, padding and receptive fields.

Pure functions on ints or per-dimension tuples, one formula each (Dumoulin & Visin, "A guide
to convolution arithmetic for deep learning", arXiv:1603.07285). Every other part of convolab
(the NumPy engine, the PyTorch layers, the model summary, the CLI and the animations) takes its
sizes from here.

conv_output_size            -- output size of a convolution (any padding form, 'same', 'valid')
conv_transpose_output_size  -- output size of a transposed convolution
pool_output_size            -- output size of max/avg pooling, PyTorch's ceil_mode rule
same_padding                -- TensorFlow 'SAME' padding (before, after) per dimension
resolve_padding             -- any padding form as explicit (before, after) pairs
padding_for                 -- smallest symmetric padding giving a wanted output size
receptive_field             -- receptive field size, jump and start after each layer
explain                     -- a formula with the numbers substituted, for people
"""

from convolab.shape._explain import explain
from convolab.shape._output import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)
from convolab.shape._padding import padding_for, resolve_padding, same_padding
from convolab.shape._receptive import ReceptiveField, receptive_field

__all__ = [
    "ReceptiveField",
    "conv_output_size",
    "conv_transpose_output_size",
    "explain",
    "padding_for",
    "pool_output_size",
    "receptive_field",
    "resolve_padding",
    "same_padding",
]
