"""convolab: convolution made real, from the integral definition to trained CNNs."""

from convolab._args import InputError, InvalidTypeError, InvalidValueError

__version__ = "0.1.0"

__all__ = ["InputError", "InvalidTypeError", "InvalidValueError", "__version__", "explain"]


def __getattr__(name: str):
    """``convolab.explain`` on first use: importing convolab does not import torch."""
    if name == "explain":
        import importlib

        return importlib.import_module("convolab.explain")  # callable: explain(model, ...)
    raise AttributeError(f"module 'convolab' has no attribute {name!r}")
