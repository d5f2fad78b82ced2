"""One-dimensional convolution: continuous (the integral) and discrete (sequences).

Function             -- a function of one variable with its support and breakpoints
box                  -- 1 on |t| <= 1/2
triangle             -- 1 - |t| on |t| <= 1 (= box * box)
gaussian             -- normal density with standard deviation sigma (cut at 10 sigma)
exponential          -- e^{-t} for t >= 0 (cut at t = 40)
sawtooth             -- three teeth t - floor(t) on [0, 3]
ramp                 -- t on [0, 1]
LIBRARY              -- the named functions above, name -> maker
get_function         -- a library function by name; unknown names list the close matches
continuous_convolve  -- (f*g)(t) by adaptive quadrature split at breakpoints, with error
convolution          -- the function f*g itself (convolves again: h*(f*g))
convolve             -- discrete 1-D convolution of sequences (numpy.convolve semantics)
"""

from convolab.signal._continuous import continuous_convolve, convolution
from convolab.signal._discrete import convolve
from convolab.signal._functions import (
    LIBRARY,
    Function,
    box,
    exponential,
    gaussian,
    get_function,
    ramp,
    sawtooth,
    triangle,
)

__all__ = [
    "LIBRARY",
    "Function",
    "box",
    "continuous_convolve",
    "convolution",
    "convolve",
    "exponential",
    "gaussian",
    "get_function",
    "ramp",
    "sawtooth",
    "triangle",
]
