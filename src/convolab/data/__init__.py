"""Image data sets from local files, and the batch transforms that feed a model.

Nothing is ever downloaded: ``digits`` ships with scikit-learn, the others read files you
already have. Every loader returns uint8 images at native size; :func:`transform_batch` turns
a batch into the model's input on the training device.

load_data         -- a data spec ('digits', 'mnist:DIR', 'cifar10:DIR', ...) -> DataSplits
load_split        -- one split and the class names, reading only the files it needs
parse_spec        -- a data spec -> (kind, directory)
DataSplits        -- train/val/test ImageArrays, class names, whether flips keep the class
ImageArrays       -- uint8 images (N, H, W, C) and int64 labels (N,)
stratified_split  -- seeded per-class split of labels into given fractions
read_idx          -- an IDX file (MNIST, Fashion-MNIST), gzipped or not -> ndarray
parse_idx         -- the bytes of an IDX file -> ndarray
SafeUnpickler     -- unpickler that rebuilds NumPy arrays and refuses any other global
Preprocess        -- input size, channels, mean/std and pad-or-resize of a model's input
Augment           -- per-image random whole-pixel shift and flip (rotation, zoom: optional)
choose_fit        -- 'pad' or 'resize' for a native size and a model's input size
channel_stats     -- per-channel mean and std of uint8 images as the model sees them
to_model_size     -- uint8 batch (N, C, h, w) -> float batch in [0, 1] at the model's size
transform_batch   -- uint8 batch (N, C, h, w) -> normalised float batch at the model's size
model_input       -- one uint8 image (H, W, C) -> the model's normalised input (1, C, H, W)
BatchLoader       -- reproducibly shuffled, sharded mini-batches of one split
"""

from convolab.data._arrays import DataSplits, ImageArrays, stratified_split
from convolab.data._augment import Augment
from convolab.data._cifar import SafeUnpickler
from convolab.data._idx import parse_idx, read_idx
from convolab.data._loader import BatchLoader
from convolab.data._spec import DATA_KINDS, SPLITS, load_data, load_split, parse_spec
from convolab.data._transforms import (
    Preprocess,
    channel_stats,
    choose_fit,
    model_input,
    to_model_size,
    transform_batch,
)

__all__ = [
    "DATA_KINDS",
    "SPLITS",
    "Augment",
    "BatchLoader",
    "DataSplits",
    "ImageArrays",
    "Preprocess",
    "SafeUnpickler",
    "channel_stats",
    "choose_fit",
    "load_data",
    "load_split",
    "model_input",
    "parse_idx",
    "parse_spec",
    "read_idx",
    "stratified_split",
    "to_model_size",
    "transform_batch",
]
