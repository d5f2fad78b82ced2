"""convolab: convolution made real, from the integral definition to trained CNNs."""

from convolab._args import InputError, InvalidTypeError, InvalidValueError

__version__ = "0.1.0"

__all__ = ["InputError", "InvalidTypeError", "InvalidValueError", "__version__"]
