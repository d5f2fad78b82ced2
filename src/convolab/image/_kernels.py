"""The kernel bank: the classic image kernels by name, each with its matrix and purpose.

Every kernel is written for **correlation** (``out[y, x] = sum K[i, j] in[y + i - a, x + j - b]``
with the anchor ``(a, b) = (kh // 2, kw // 2)``), the convention of ``scipy.ndimage.correlate``
and ``cv2.filter2D``. So ``sobel_x`` is positive where brightness increases to the right.

A bank entry builds either one matrix (a linear filter) or an ``x``/``y`` pair whose responses
are combined as the gradient magnitude ``sqrt(gx**2 + gy**2)`` (``edge_magnitude``), which no
single kernel can compute.

Every parameter has a range (:data:`RANGES`), checked before any array is made: a kernel is
at most :data:`MAX_SIZE` pixels a side, so no parameter can ask for gigabytes.
"""

from __future__ import annotations

import difflib
import inspect
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from convolab._args import (
    InvalidTypeError,
    InvalidValueError,
    as_choice,
    invalid,
    is_int,
    wrong_type,
)

MAX_SIZE = 301  # pixels a side: 90,601 taps, far beyond any textbook kernel
MAX_SIGMA = 50.0  # pixels: the default size 2 ceil(3 sigma) + 1 is then MAX_SIZE
MAX_AMOUNT = 100.0  # sharpening strength, either sign
# What each parameter of the bank accepts; the messages and `convolab filter --help` say it.
RANGES = {
    "size": f"an int from 1 to {MAX_SIZE}",
    "length": f"an int from 1 to {MAX_SIZE}",
    "sigma": f"a number > 0 and at most {MAX_SIGMA:g}",
    "amount": f"a number from {-MAX_AMOUNT:g} to {MAX_AMOUNT:g}",
    "angle": "a finite number of degrees",
    "operator": "one of 'sobel', 'prewitt', 'scharr'",
}


@dataclass(frozen=True)
class KernelInfo:
    """One entry of the bank: how to build it and how its response is meant to be seen."""

    name: str
    summary: str  # one line, shown by ``convolab filter --list``
    build: Callable[..., tuple[np.ndarray, ...]]  # params -> (kernel,) or (kernel_x, kernel_y)
    response: str  # 'image' (sums to 1), 'signed' (sums to 0) or 'magnitude' (>= 0)

    @property
    def params(self) -> dict[str, object]:
        """Parameter names and their defaults."""
        sig = inspect.signature(self.build)
        return {n: p.default for n, p in sig.parameters.items()}

    @property
    def ranges(self) -> dict[str, str]:
        """What each parameter accepts, e.g. ``{'size': 'an int from 1 to 301'}``."""
        return {name: RANGES[name] for name in self.params}

    @property
    def is_pair(self) -> bool:
        """True for an x/y pair combined as a gradient magnitude."""
        return self.response == "magnitude"

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"KernelInfo({self.name}({args}): {self.summary})"


_BANK: dict[str, KernelInfo] = {}
# Short names people type, mapped to the bank entry they mean.
ALIASES = {
    "blur": "gaussian_blur",
    "gaussian": "gaussian_blur",
    "box": "box_blur",
    "unsharp": "unsharp_mask",
    "laplacian": "laplacian4",
    "edges": "edge_magnitude",
    "sobel": "edge_magnitude",
    "ridge": "outline",
    "motion": "motion_blur",
}


def _register(summary: str, response: str):
    def decorator(build):
        _BANK[build.__name__] = KernelInfo(build.__name__, summary, build, response)
        return build

    return decorator


def _count(value, name: str) -> int:
    """An int from 1 to :data:`MAX_SIZE` (``size``, ``length``)."""
    if not is_int(value):
        raise wrong_type(name, value, RANGES[name])
    if not 1 <= operator.index(value) <= MAX_SIZE:
        raise invalid(name, value, RANGES[name])
    return operator.index(value)


def _real(value, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """A finite Python float in ``[low, high]``; ``sigma`` must also be > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise wrong_type(name, value, RANGES[name])
    inside = math.isfinite(value) and low <= value <= high and (name != "sigma" or value > 0)
    if not inside:
        raise invalid(name, value, RANGES[name])
    return float(value)


def _sigma(value) -> float:
    return _real(value, "sigma", 0.0, MAX_SIGMA)


def _amount(value) -> float:
    return _real(value, "amount", -MAX_AMOUNT, MAX_AMOUNT)


def _delta(size: int) -> np.ndarray:
    k = np.zeros((size, size))
    k[size // 2, size // 2] = 1.0
    return k


def _gaussian(size, sigma) -> np.ndarray:
    """Normalised 2-D Gaussian; ``size`` defaults to ``2 * ceil(3 sigma) + 1`` (99.7% mass)."""
    sigma = _sigma(sigma)
    size = 2 * math.ceil(3 * sigma) + 1 if size is None else _count(size, "size")
    t = np.arange(size) - (size - 1) / 2  # (size,) offsets from the centre
    g = np.exp(-0.5 * (t / sigma) ** 2)
    g /= g.sum()
    return np.outer(g, g)  # (size, size), rank 1: applied as two 1-D passes


@_register("leaves the image unchanged: a single 1 at the anchor", "image")
def identity(size=3):
    """``size x size`` zeros with 1 at the centre: ``[[0,0,0],[0,1,0],[0,0,0]]``.

    ``size``: an int from 1 to 301.
    """
    return (_delta(_count(size, "size")),)


@_register("box (mean) blur: every pixel becomes the mean of its size x size window", "image")
def box_blur(size=3):
    """``ones((size, size)) / size**2``; rank 1. ``size``: an int from 1 to 301."""
    size = _count(size, "size")
    return (np.full((size, size), 1.0 / size**2),)


@_register("Gaussian blur: weights exp(-r^2 / 2 sigma^2), smooth and isotropic", "image")
def gaussian_blur(size=None, sigma=1.0):
    """``g g^T`` with ``g[t] ~ exp(-t^2 / (2 sigma^2))`` normalised to sum 1; rank 1.

    ``sigma``: a number in (0, 50]; ``size``: an int from 1 to 301, default
    ``2 ceil(3 sigma) + 1``.
    """
    return (_gaussian(size, sigma),)


@_register("sharpen: identity minus amount x Laplacian, [[0,-1,0],[-1,5,-1],[0,-1,0]]", "image")
def sharpen(amount=1.0):
    """``delta - amount * laplacian4``: centre ``1 + 4 amount``, 4-neighbours ``-amount``.

    ``amount``: a number from -100 to 100 (negative amounts smooth).
    """
    return (_delta(3) - _amount(amount) * _LAPLACIAN4,)


@_register("unsharp mask: (1 + amount) x image - amount x Gaussian blur", "image")
def unsharp_mask(size=None, sigma=1.0, amount=1.0):
    """``(1 + amount) delta - amount G``: adds back the detail the blur removes.

    ``amount``: a number from -100 to 100; ``sigma``: a number in (0, 50]; ``size``: an int
    from 1 to 301, default ``2 ceil(3 sigma) + 1``.
    """
    amount = _amount(amount)
    blur = _gaussian(size, sigma)
    return ((1 + amount) * _delta(blur.shape[0]) - amount * blur,)


_LAPLACIAN4 = np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]])
_LAPLACIAN8 = np.array([[1.0, 1, 1], [1, -8, 1], [1, 1, 1]])


@_register("Laplacian, 4-neighbour: [[0,1,0],[1,-4,1],[0,1,0]], second derivative", "signed")
def laplacian4():
    """Discrete ``d2/dx2 + d2/dy2``: zero on flat and linear ramps, large at fine detail."""
    return (_LAPLACIAN4.copy(),)


@_register("Laplacian, 8-neighbour: [[1,1,1],[1,-8,1],[1,1,1]], adds the diagonals", "signed")
def laplacian8():
    """The Laplacian with diagonal neighbours: more isotropic than ``laplacian4``."""
    return (_LAPLACIAN8.copy(),)


def _derivative(smooth: list[float]) -> np.ndarray:
    """``smooth^T [-1, 0, 1]``: central difference in x, smoothing in y (rank 1)."""
    return np.outer(smooth, [-1.0, 0.0, 1.0])


_GRADIENTS = {"sobel": [1.0, 2.0, 1.0], "prewitt": [1.0, 1.0, 1.0], "scharr": [3.0, 10.0, 3.0]}


@_register("Sobel x: [[-1,0,1],[-2,0,2],[-1,0,1]], brightness increasing to the right", "signed")
def sobel_x():
    """Horizontal gradient, smoothed ``[1, 2, 1]`` vertically (Sobel & Feldman, 1968)."""
    return (_derivative(_GRADIENTS["sobel"]),)


@_register("Sobel y: the transpose of sobel_x, brightness increasing downwards", "signed")
def sobel_y():
    """Vertical gradient: ``sobel_x().T``."""
    return (_derivative(_GRADIENTS["sobel"]).T,)


@_register("Prewitt x: [[-1,0,1],[-1,0,1],[-1,0,1]], unweighted horizontal gradient", "signed")
def prewitt_x():
    """Horizontal gradient with a box ``[1, 1, 1]`` vertical smoothing (Prewitt, 1970)."""
    return (_derivative(_GRADIENTS["prewitt"]),)


@_register("Prewitt y: the transpose of prewitt_x", "signed")
def prewitt_y():
    """Vertical gradient: ``prewitt_x().T``."""
    return (_derivative(_GRADIENTS["prewitt"]).T,)


@_register("Scharr x: [[-3,0,3],[-10,0,10],[-3,0,3]], rotation-accurate gradient", "signed")
def scharr_x():
    """Horizontal gradient whose direction error is smaller than Sobel's (Scharr, 2000)."""
    return (_derivative(_GRADIENTS["scharr"]),)


@_register("Scharr y: the transpose of scharr_x", "signed")
def scharr_y():
    """Vertical gradient: ``scharr_x().T``."""
    return (_derivative(_GRADIENTS["scharr"]).T,)


@_register("edge magnitude sqrt(gx^2 + gy^2) of an x/y pair (sobel, prewitt, scharr)", "magnitude")
def edge_magnitude(operator="sobel"):
    """The pair ``(<operator>_x, <operator>_y)``; the response is ``hypot(gx, gy)``.

    ``operator``: one of 'sobel', 'prewitt', 'scharr'.
    """
    op = as_choice(operator, "operator", tuple(_GRADIENTS))
    gx = _derivative(_GRADIENTS[op])
    return (gx, gx.T)


@_register("emboss: [[-2,-1,0],[-1,0,1],[0,1,2]], relief lit from the top left", "signed")
def emboss():
    """A diagonal derivative: sums to 0, so flat areas become 0 (shown as mid-grey)."""
    return (np.array([[-2.0, -1, 0], [-1, 0, 1], [0, 1, 2]]),)


@_register("outline (ridge): [[-1,-1,-1],[-1,8,-1],[-1,-1,-1]], bright thin lines", "signed")
def outline():
    """``-laplacian8``: positive on bright ridges and outlines, 0 on flat areas."""
    return (-_LAPLACIAN8,)


@_register("motion blur: the mean along a line of `length` pixels at `angle` degrees", "image")
def motion_blur(length=9, angle=0.0):
    """A ``length x length`` anti-aliased line through the centre, counter-clockwise from +x.

    Each cell gets ``max(0, 1 - d)`` with ``d`` its distance to the segment (so ``angle=0``
    is one row of ``1/length``), then the weights are normalised to sum 1. ``length``: an
    int from 1 to 301; ``angle``: any finite number of degrees.
    """
    length = _count(length, "length")
    theta = math.radians(_real(angle, "angle"))
    t = np.arange(length) - (length - 1) / 2  # (L,) cell offsets from the centre
    x, y = np.meshgrid(t, -t)  # image rows grow downwards, so y points up as -row
    ux, uy = math.cos(theta), math.sin(theta)
    along = np.clip(x * ux + y * uy, -(length - 1) / 2, (length - 1) / 2)
    dist = np.hypot(x - along * ux, y - along * uy)  # (L, L) distance to the segment
    k = np.clip(1.0 - dist, 0.0, None)
    return (k / k.sum(),)


def list_kernels(aliases: bool = False) -> list[str]:
    """Names in the bank, sorted; with ``aliases=True`` the short aliases too."""
    return sorted(_BANK) + (sorted(ALIASES) if aliases else [])


def kernel_info(name: str) -> KernelInfo:
    """The bank entry for ``name`` (an alias works); unknown names list close matches."""
    if not isinstance(name, str):
        raise wrong_type("kernel", name, "a kernel name (str)")
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in _BANK:
        close = difflib.get_close_matches(key, list_kernels(aliases=True), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InvalidValueError(
            f"kernel must be one of {', '.join(list_kernels())} (or an alias: "
            f"{', '.join(sorted(ALIASES))}), got {name!r}{hint}"
        )
    return _BANK[key]


def build_kernels(name: str, **params) -> tuple[np.ndarray, ...]:
    """The matrices of ``name``: ``(K,)`` for a linear kernel, ``(Kx, Ky)`` for a pair."""
    info = kernel_info(name)
    unknown = sorted(set(params) - set(info.params))
    if unknown:
        accepted = ", ".join(info.params) or "no parameters"
        raise InvalidTypeError(f"kernel {info.name!r} accepts {accepted}, got {', '.join(unknown)}")
    return info.build(**params)


def get_kernel(name: str, **params) -> np.ndarray:
    """The 2-D float64 matrix of a linear kernel of the bank.

    Parameters
    ----------
    name : str
        One of :func:`list_kernels` or an alias (``'blur'`` is ``'gaussian_blur'``).
    **params
        The kernel's parameters, e.g. ``size=5, sigma=1.2``; see ``kernel_info(name).params``.

    Returns
    -------
    ndarray, shape ``(kh, kw)``, float64
        For correlation, anchored at ``(kh // 2, kw // 2)``.

    Examples
    --------
    >>> get_kernel("sobel_x")
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    """
    kernels = build_kernels(name, **params)
    if len(kernels) != 1:
        raise InvalidValueError(
            f"kernel {kernel_info(name).name!r} is not one matrix: it combines an x/y pair "
            "as sqrt(gx^2 + gy^2); use get_kernel_pair() or apply_kernel()"
        )
    return kernels[0]


def get_kernel_pair(name: str = "edge_magnitude", **params) -> tuple[np.ndarray, np.ndarray]:
    """The ``(kernel_x, kernel_y)`` pair of a magnitude entry such as ``'edges'``."""
    kernels = build_kernels(name, **params)
    if len(kernels) != 2:
        raise InvalidValueError(f"kernel {kernel_info(name).name!r} is one matrix, not an x/y pair")
    return kernels
