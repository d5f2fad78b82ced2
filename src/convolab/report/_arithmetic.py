"""Section 5: convolution arithmetic, worked out by convolab.shape and checked by torch."""

from __future__ import annotations

from convolab import shape
from convolab.report._context import DemoContext
from convolab.report._page import code, esc, paragraph, table

EXAMPLES = [  # (layer, size, kernel, stride, padding, dilation)
    ("AlexNet conv1", 224, 11, 4, 2, 1),
    ("VGG 3x3 conv", 224, 3, 1, 1, 1),
    ("ResNet stem", 224, 7, 2, 3, 1),
    ("ResNet downsampling 1x1", 56, 1, 2, 0, 1),
    ("dilated 3x3 (DeepLab)", 64, 3, 1, 2, 2),
    ("max pool 3x3/2", 55, 3, 2, 0, 1),
    ("'same', stride 2", 225, 7, 2, "same", 1),
]


SAME_CASES = ((3, 1), (4, 1), (7, 2), (3, 2), (4, 2))  # (kernel, stride) columns


def _same_rows() -> list[tuple]:
    """One row per input size: '(before, after) -> output' for each kernel and stride."""
    rows = []
    for w in (224, 225, 32, 100, 7):
        cells = [
            f"{shape.same_padding(w, k, s)} → {shape.conv_output_size(w, k, s, 'same')}"
            for k, s in SAME_CASES
        ]
        rows.append((w, *cells))
    return rows


def _conv2d_same_demo() -> str:
    import torch

    from convolab.nn import Conv2dSame

    layer = Conv2dSame(1, 3, kernel_size=4)
    x = torch.randn(16, 1, 32, 100)
    with torch.no_grad():
        y = layer(x)
    pads = shape.same_padding((32, 100), 4)
    return (
        ">>> layer = convolab.nn.Conv2dSame(1, 3, kernel_size=4)\n"
        f">>> layer(torch.randn(16, 1, 32, 100)).shape\n{tuple(y.shape)}\n"
        f">>> convolab.shape.same_padding((32, 100), 4)  # (before, after) per dimension\n"
        f"{pads}"
    )


def arithmetic_section(ctx: DemoContext) -> str:
    rows = []
    for name, w, k, s, p, d in EXAMPLES:
        kind = "pool" if name.startswith("max pool") else "conv"
        rows.append((name, w, k, s, p, d, shape.explain(w, k, s, p, d, kind=kind)[0]))
    return (
        paragraph(
            "Every size in convolab comes from one formula (Dumoulin &amp; Visin, "
            "arXiv:1603.07285), with padding <i>p</i><sub>lo</sub>, <i>p</i><sub>hi</sub> on "
            "each side:"
        )
        + '<div class="formula">out = ⌊(W + p<sub>lo</sub> + p<sub>hi</sub> − d·(k − 1) − 1)'
        " / s⌋ + 1</div>\n"
        + table(["layer", "W", "k", "s", "padding", "d", "worked out"], rows)
        + paragraph(
            "TensorFlow's <code>'SAME'</code> keeps <code>ceil(W / s)</code> outputs and puts "
            "the odd padding cell after. Each cell below is "
            "<code>convolab.shape.same_padding</code>'s (before, after) pair → the output size."
        )
        + table(["W", *(f"k={k}, s={s}" for k, s in SAME_CASES)], _same_rows())
        + paragraph(
            f"PyTorch's <code>padding='same'</code> refuses strides and pads even kernels "
            f"symmetrically; <code>convolab.nn.Conv2dSame</code> is TensorFlow-exact for any "
            f"kernel, stride and dilation. {esc('A 4x4 kernel on a 32x100 input:')}"
        )
        + code(_conv2d_same_demo())
    )
