"""Section 3: a 2-D convolution step by step, and the engine against PyTorch."""

from __future__ import annotations

import numpy as np

from convolab.report._context import DemoContext
from convolab.report._page import figure, paragraph, table

# The layer the section checks: grouped, strided, dilated and padded at once.
LAYER = dict(stride=(2, 1), padding=((1, 2), (0, 1)), dilation=(1, 2), groups=2)


def engine_vs_torch(rng: np.random.Generator) -> list[tuple]:
    """Max errors of convolab.functional.conv2d and its gradients against torch."""
    import torch
    import torch.nn.functional as F

    from convolab import functional as cf

    rows = []
    for dtype in (np.float64, np.float32):
        x = rng.standard_normal((4, 6, 17, 23)).astype(dtype)  # (N, C, H, W)
        w = rng.standard_normal((8, 3, 3, 4)).astype(dtype)  # (K, C / groups, kH, kW)
        xt = torch.from_numpy(x).requires_grad_()
        wt = torch.from_numpy(w).requires_grad_()
        (lo_h, hi_h), (lo_w, hi_w) = LAYER["padding"]
        yt = F.conv2d(
            F.pad(xt, (lo_w, hi_w, lo_h, hi_h)),
            wt,
            stride=LAYER["stride"],
            dilation=LAYER["dilation"],
            groups=LAYER["groups"],
        )
        grad = rng.standard_normal(tuple(yt.shape)).astype(dtype)
        yt.backward(torch.from_numpy(grad))
        y = cf.conv2d(x, w, **LAYER)
        gx = cf.conv2d_input(x.shape, w, grad, **LAYER)
        gw = cf.conv2d_weight(x, w.shape, grad, **LAYER)
        for name, ours, ref in (
            ("forward", y, yt.detach()),
            ("d input", gx, xt.grad),
            ("d weight", gw, wt.grad),
        ):
            ref = ref.numpy()
            err = float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))
            rows.append((np.dtype(dtype).name, name, "x".join(map(str, ours.shape)), f"{err:.1e}"))
    return rows


def _visualizer(ctx: DemoContext) -> str:
    """The interactive visualizer, written beside the report and framed into it."""
    from convolab.visualize import page_html

    path, url = ctx.asset("visualizer.html")
    path.write_text(page_html(), encoding="utf-8")
    return (
        paragraph(
            "Try it yourself: every setting of a convolution layer, with the cells each "
            f'output reads (also <a href="{url}">on a page of its own</a>, and '
            "<code>convolab visualize</code>)."
        )
        + f'<iframe class="visualizer" src="{url}" title="convolution visualizer"></iframe>\n'
    )


def computation_section(ctx: DemoContext) -> str:
    from convolab import viz

    path, url = ctx.asset("conv2d.gif")
    animation = viz.animate_conv2d(
        (9, 14), (5, 5), stride=(2, 1), dilation=(1, 2), values=True, path=path
    )
    return (
        paragraph(
            "A 5×5 kernel with stride (2, 1) and dilation (1, 2) on a 9×14 input, no "
            f"padding: {len(animation.frames)} frames, one per output cell. The highlighted "
            "cells of each frame are the very window the engine reads "
            "(<code>convolab.functional.sliding_windows</code>), and the numbers are its "
            "output."
        )
        + figure(
            url,
            "Cross-correlation, as deep-learning layers compute it: the kernel is "
            "not flipped. Dilation leaves gaps between the cells the kernel touches.",
            alt="animation of a strided, dilated 2-D convolution",
            width=820,
        )
        + paragraph(
            "The same engine on a random layer with 2 groups, stride (2, 1), dilation (1, 2) "
            "and asymmetric padding, forward and both gradients, against PyTorch (errors "
            "relative to the largest value):"
        )
        + table(["dtype", "result", "shape", "max relative error"], engine_vs_torch(ctx.rng))
        + _visualizer(ctx)
    )
