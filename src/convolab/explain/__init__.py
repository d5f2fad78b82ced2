"""``convolab explain``: see inside a trained CNN, live, in the browser.

The page draws the network as it runs (each layer a column of its feature maps, residual
connections as skips, the top-5 classes at the end), takes a drawing, a bundled held-out
image or an uploaded one, and for any cell shows its receptive field on the input and the
arithmetic that made it, every number torch's. Served, it computes with torch (any model
size); saved, small models compute in the page, on the visualizer's JavaScript engine.

explain       -- open any torch.nn.Module classifier (or a trained run) for the page; the
                 package itself calls it: ``convolab.explain(model, example)``
from_trained  -- the page of a trained run: its classes, preprocessing and held-out images
Explanation   -- a model opened for the page: run, cell, kernels, save, serve, _repr_html_
"""

import sys
import types

from convolab.explain._explanation import Explanation
from convolab.explain._open import explain, from_trained

__all__ = ["Explanation", "explain", "from_trained"]


class _CallablePackage(types.ModuleType):
    """``convolab.explain(model, ...)`` calls :func:`explain`: the package is the function."""

    def __call__(self, *args, **kwargs) -> Explanation:
        return explain(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
