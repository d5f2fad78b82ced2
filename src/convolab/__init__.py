"""convolab: convolution made real, from the integral definition to trained CNNs."""

__version__ = "0.1.0"
