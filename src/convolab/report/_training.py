"""Section 7: LeNet-5 trained on the bundled digits while the report is made."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import figure, paragraph, row

# Epochs of `demo --quick` (the full report trains TrainConfig's default number of epochs).
QUICK_EPOCHS = 10
# How the paragraph names TrainConfig's optimizer and schedule.
OPTIMIZERS = {"adamw": "AdamW", "sgd": "SGD with Nesterov momentum"}
SCHEDULES = {
    "onecycle": "a one-cycle schedule",
    "cosine": "cosine annealing",
    "constant": "a constant learning rate",
}


def _inspect(ctx: DemoContext, result) -> list[str]:
    """Filters and feature maps of the first test digit; returns the assets' URLs."""
    from convolab.train import inspect_model

    image, x, label = result.sample(0)  # (H, W, C) uint8, model input (1, C, H', W'), class
    label = result.card.classes[label]
    written = inspect_model(result.model, x, ctx.assets / "inspect", image, f"digit {label}")
    return [f"assets/inspect/{path.name}" for path in written]


def _results(config, result) -> str:
    """What was trained, how, and its test accuracy."""
    return paragraph(
        "<code>convolab train lenet5</code> with its defaults: LeNet-5 (tanh, average "
        "pooling, LeCun et al. 1998) on scikit-learn's 1,797 real 8×8 digits resized to "
        f"32×32, a stratified split, {len(result.history)} epochs of "
        f"{OPTIMIZERS[config.optimizer]} with {SCHEDULES[config.schedule]}, the digits "
        "shifted by whole pixels as augmentation, on this machine's CPU while the page was "
        "made."
    ) + (
        f'<p>Test accuracy: <span class="big" id="test-accuracy">'
        f"{100 * result.test.accuracy:.2f}%</span> on {result.test.count} held-out digits, "
        f"test loss {result.test.loss:.4f}.</p>\n"
    )


def _inside(filters: str, digit: str, maps: list[str]) -> str:
    """The learned kernels and the feature maps of one digit."""
    return (
        row(
            figure(
                "assets/lenet5/confusion.png",
                "Confusion matrix on the test split.",
                alt="confusion matrix",
            ),
            figure(
                filters, "The first layer's six 5×5 kernels, as learned.", alt="first-layer filters"
            ),
        )
        + paragraph(
            "What the network learned to look for: the feature maps each convolution "
            "makes of one test digit (yellow = strong response)."
        )
        + row(
            figure(digit, "The input digit.", alt="input digit"),
            *(
                figure(m, f"Convolution {i} of {len(maps)}.", alt="feature maps")
                for i, m in enumerate(maps, 1)
            ),
        )
    )


def _explain(ctx: DemoContext, result, source: str) -> str:
    """The explain page of the trained LeNet-5, written beside the report and framed in."""
    from convolab.explain import from_trained
    from convolab.train import TrainedModel

    path, url = ctx.asset("explain.html")
    from_trained(TrainedModel(result.model, result.card, source)).save(path, overwrite=True)
    return (
        paragraph(
            "Poke the network you just trained: draw a digit (or pick a held-out one) and every "
            "map updates; click any cell to light its receptive field and see the arithmetic "
            "that made it, every number PyTorch's; click a layer's name for its kernels (also "
            f'<a href="{url}">on a page of its own</a>, and <code>convolab explain RUN_DIR</code>).'
        )
        + f'<iframe class="visualizer explain" src="{url}" title="explain LeNet-5"></iframe>\n'
    )


def training_section(ctx: DemoContext) -> str:
    from convolab.train import TrainConfig, fit

    run = ctx.assets / "lenet5"
    epochs = QUICK_EPOCHS if ctx.quick else TrainConfig().epochs
    config = TrainConfig(model="lenet5", data="digits", epochs=epochs, out=str(run))
    result = fit(config)
    filters, digit, *maps = _inspect(ctx, result)  # inspect_model's order
    curves = figure(
        "assets/lenet5/curves.png",
        "Loss and accuracy per epoch; the dotted line is the learning rate.",
        alt="training curves",
        width=900,
    )
    explain = _explain(ctx, result, "assets/lenet5")
    return _results(config, result) + curves + explain + _inside(filters, digit, maps)
