"""A warm layer call stays lean: few Python calls inside convolab between entry and BLAS."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

import numpy as np

import convolab
import convolab.functional as cf

PACKAGE = str(Path(convolab.__file__).parent)


def calls_inside_convolab(call) -> int:
    """Python function calls (comprehensions included) whose code lives in the package."""
    profile = cProfile.Profile()
    profile.enable()
    call()
    profile.disable()
    stats = pstats.Stats(profile).stats  # {(file, line, name): (calls, ...)}
    return sum(ncalls for (path, _, _), (ncalls, *_) in stats.items() if path.startswith(PACKAGE))


def test_a_warm_lenet_layer_makes_at_most_25_calls():
    """The issue's measure: a warm (32, 6, 14, 14) x (16, 6, 5, 5) conv2d (about 80 calls
    before the redesign, with two caches hiding the repeated checks; 24 now)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    cf.conv2d(x, w, b)  # warm: thread pools, scratch buffers
    assert calls_inside_convolab(lambda: cf.conv2d(x, w, b)) <= 25
