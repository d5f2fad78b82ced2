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

import importlib

from convolab.train._config import TrainConfig

# Public name -> private module; loaded on first use so that importing the config (the CLI
# does, to build its parser) does not import torch.
_LAZY = {
    "ModelCard": "_card",
    "load_checkpoint": "_checkpoint",
    "evaluate": "_evaluate",
    "predict": "_evaluate",
    "FitResult": "_fit",
    "fit": "_fit",
    "feature_maps": "_inspect",
    "first_layer_filters": "_inspect",
    "inspect_model": "_inspect",
    "plot_feature_maps": "_inspect",
    "plot_filters": "_inspect",
    "EvalResult": "_metrics",
    "plot_confusion": "_plots",
    "plot_curves": "_plots",
    "resolve_device": "_runtime",
    "TrainedModel": "_trained",
    "load_trained": "_trained",
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'convolab.train' has no attribute {name!r}")
    return getattr(importlib.import_module(f"convolab.train.{_LAZY[name]}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)


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
