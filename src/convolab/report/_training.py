"""Section 7: LeNet-5 trained on the bundled digits while the report is made."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import figure, paragraph, row, table


def _inspect(ctx: DemoContext, result) -> list[str]:
    """Filters and feature maps of the first test digit; returns the assets' URLs."""
    import torch

    from convolab.data import transform_batch
    from convolab.train import inspect_model

    image = result.data.test.images[0]  # (H, W, C) uint8
    label = result.card.classes[int(result.data.test.labels[0])]
    batch = torch.from_numpy(image).permute(2, 0, 1)[None]  # (1, C, H, W)
    device = next(result.model.parameters()).device
    x = transform_batch(batch.to(device), result.card.preprocess)
    written = inspect_model(result.model, x, ctx.assets / "inspect", image, f"digit {label}")
    return [f"assets/inspect/{path.name}" for path in written]


def training_section(ctx: DemoContext) -> str:
    from convolab.train import TrainConfig, fit

    run = ctx.assets / "lenet5"
    result = fit(TrainConfig(model="lenet5", data="digits", out=str(run), force=True))
    last = result.history[-1]
    urls = _inspect(ctx, result)
    features = [
        figure(
            u,
            "Feature maps of " + u.split("features_", 1)[1].removesuffix(".png").replace("_", "."),
            alt="feature maps",
        )
        for u in urls
        if "/features_" in u
    ]
    epochs = len(result.history)
    return (
        paragraph(
            f"<code>convolab train lenet5</code> with its defaults: LeNet-5 (tanh, average "
            f"pooling, LeCun et al. 1998) on scikit-learn's 1,797 real 8×8 digits resized to "
            f"32×32, a stratified split, {epochs} epochs of AdamW with a one-cycle schedule "
            f"and light augmentation, on this machine's CPU while the page was made."
        )
        + f'<p>Test accuracy: <span class="big" id="test-accuracy">'
        f"{100 * result.test.accuracy:.2f}%</span> on {result.test.count} held-out digits "
        f"(the final training loss was {last['train_loss']:.3f}).</p>\n"
        + row(
            figure(
                "assets/lenet5/curves.png", "Loss and accuracy per epoch.", alt="training curves"
            ),
            figure(
                "assets/lenet5/confusion.png",
                "Confusion matrix on the test split.",
                alt="confusion matrix",
            ),
        )
        + paragraph(
            "What the network learned to look for: the first layer's 5×5 kernels, and "
            "the feature maps every convolution makes of one test digit."
        )
        + row(
            figure(urls[0], "First-layer filters.", alt="first-layer filters"),
            figure(urls[1], "The input digit.", alt="input digit") if len(urls) > 1 else "",
        )
        + row(*features)
        + table(
            ["class", "precision", "recall"],
            [
                (c, f"{p:.3f}", f"{r:.3f}")
                for c, p, r in zip(result.card.classes, result.test.precision, result.test.recall)
            ],
        )
    )
