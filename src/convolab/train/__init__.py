"""Training, evaluating and looking inside the convolab models.

fit               -- train a model from a TrainConfig; returns a FitResult (also under torchrun)
TrainConfig       -- every training option, typed, with commented defaults
FitResult         -- trained model, card, per-epoch history, test metrics, data
ModelCard         -- model name, classes and preprocessing saved beside the weights
EvalResult        -- loss, accuracy, per-class precision/recall, confusion matrix
evaluate          -- EvalResult of a trained model on a split of a data set
predict           -- top-k classes with probabilities for image files
load_trained      -- a run directory or weights file -> TrainedModel (model + card)
TrainedModel      -- a model in eval mode with its card
load_checkpoint   -- a training checkpoint read with torch.load(weights_only=True)
plot_curves       -- loss and accuracy per epoch (matplotlib Figure)
plot_confusion    -- confusion matrix with counts (matplotlib Figure)
first_layer_filters -- the first convolution's kernels (O, I, kh, kw)
feature_maps      -- activations of every convolution for one input
plot_filters      -- the first layer's kernels as a grid of images
plot_feature_maps -- one conv layer's activation maps as a grid of images
inspect_model     -- write the filter grid and every layer's feature maps as PNGs
resolve_device    -- 'auto' | 'cpu' | 'cuda' | 'mps' -> torch.device
"""

from convolab.train._card import ModelCard
from convolab.train._checkpoint import load_checkpoint
from convolab.train._config import TrainConfig
from convolab.train._evaluate import evaluate, predict
from convolab.train._fit import FitResult, fit
from convolab.train._inspect import (
    feature_maps,
    first_layer_filters,
    inspect_model,
    plot_feature_maps,
    plot_filters,
)
from convolab.train._metrics import EvalResult
from convolab.train._plots import plot_confusion, plot_curves
from convolab.train._runtime import resolve_device
from convolab.train._trained import TrainedModel, load_trained

__all__ = [
    "EvalResult",
    "FitResult",
    "ModelCard",
    "TrainConfig",
    "TrainedModel",
    "evaluate",
    "feature_maps",
    "first_layer_filters",
    "fit",
    "inspect_model",
    "load_checkpoint",
    "load_trained",
    "plot_confusion",
    "plot_curves",
    "plot_feature_maps",
    "plot_filters",
    "predict",
    "resolve_device",
]
