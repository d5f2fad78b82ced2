"""Section 6: the CNN zoo, each model's shapes, parameters and multiply-accumulates."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import figure, paragraph, table

FAMILIES = ("lenet", "alexnet", "vgg", "resnet")  # in the order they were published


def _zoo_order(name: str) -> tuple:
    """LeNet, AlexNet, VGG, ResNet; by depth within a family, plain before batch-norm."""
    family = next(i for i, f in enumerate(FAMILIES) if name.startswith(f))
    depth = int("".join(c for c in name.split("_")[0] if c.isdigit()) or 0)
    return family, depth, name


def zoo_rows() -> list[tuple]:
    """One row per registered model, from ``convolab.models.summary`` on the meta device."""
    from convolab import models

    rows = []
    for name in sorted(models.list_models(), key=_zoo_order):
        info = models.model_info(name)
        result = models.summary(name, depth=1)
        out = result.rows[-1].output_shape if result.rows else ()
        rows.append(
            (
                name,
                "x".join(map(str, result.input_size)),
                "x".join(map(str, out)),
                f"{result.total_params:,}",
                result.macs_text,
                info.paper.split(",")[0],
            )
        )
    return rows


def _channels_figure(ctx: DemoContext) -> str:
    from convolab import viz

    path, url = ctx.asset("channels.png")
    viz.channels_figure(path=path)
    return figure(
        url,
        "A multi-channel layer: every kernel spans all input channels and "
        "makes one feature map, so the number of output channels is the number of "
        "kernels.",
        alt="multi-channel convolution layer",
        width=760,
    )


def zoo_section(ctx: DemoContext) -> str:
    return (
        paragraph(
            "The classic CNNs of <code>convolab.models</code>, weight-compatible with "
            "torchvision (their state dicts load unchanged). Shapes, parameters and "
            "multiply-accumulates (MACs) per image come from <code>convolab summary</code>, "
            "computed on PyTorch's meta device, so no memory is spent on weights."
        )
        + table(["model", "input", "output", "parameters", "MACs", "paper"], zoo_rows())
        + _channels_figure(ctx)
    )
