"""convolab.models.summary side by side with torchinfo, fvcore, thop and ptflops.

Multiply-accumulates of the zoo and of the cases issue 17 lists (transposed, grouped,
depthwise and dilated convolutions, work written in ``forward``, dense layers over a middle
dimension), then memory: torchinfo's estimate, convolab's training-step estimate and the
peak measured by torch's profiler (``tests/models/peak_memory.py``). ``docs/summary.md``
explains every disagreement. The tools are dev dependencies (``pip install -e .[dev]``).

    python benchmarks/summary_tools.py            # the whole table (a few minutes)
    python benchmarks/summary_tools.py --quick    # the small cases only
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from convolab.models import create_model, model_info, summary

ROOT = Path(__file__).resolve().parents[1]
ZOO = ("lenet5", "alexnet", "vgg11", "vgg16", "resnet18", "resnet50")
MEMORY = (("lenet5", 256, 32), ("resnet18", 8, 224), ("vgg11", 4, 224))


class FunctionalWork(nn.Module):
    """A convolution and a product written in forward, no layer module."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 3, 3, 3))
        self.proj = nn.Parameter(torch.randn(8, 4))

    def forward(self, x):
        y = F.conv2d(x, self.weight, padding=1)  # (N, 8, H, W)
        return y.flatten(2).transpose(1, 2) @ self.proj  # (N, H*W, 4)


def cases() -> list[tuple[str, nn.Module, tuple[int, ...]]]:
    """(label, module, input size) of the small cases."""
    return [
        ("ConvTranspose2d(3, 1, 2, s=2), 2x2", nn.ConvTranspose2d(3, 1, 2, stride=2), (1, 3, 2, 2)),
        ("Conv2d(8, 16, 3, groups=4), 8x8", nn.Conv2d(8, 16, 3, groups=4), (1, 8, 8, 8)),
        ("depthwise Conv2d(16, 16, 3, groups=16)", nn.Conv2d(16, 16, 3, groups=16), (1, 16, 8, 8)),
        ("Conv2d(3, 8, 3, dilation=2, stride=2)", nn.Conv2d(3, 8, 3, 2, dilation=2), (1, 3, 9, 9)),
        ("Conv3d(2, 4, 3, stride=2, padding=1)", nn.Conv3d(2, 4, 3, 2, 1), (1, 2, 6, 6, 6)),
        ("F.conv2d and @ in forward, 6x6", FunctionalWork(), (1, 3, 6, 6)),
        ("Linear(64, 32) on (1, 10, 64)", nn.Linear(64, 32), (1, 10, 64)),
    ]


def _quiet():
    """The tools print tables and warnings of their own: keep the benchmark's output clean."""
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    return stack


def tool_macs(model: nn.Module, size: tuple[int, ...]) -> dict[str, float | str]:
    """Multiply-accumulates by each tool, or the error it raised."""
    with _quiet():  # fvcore's import warns about torch.jit.script, thop's about distutils
        import ptflops
        import thop
        import torchinfo
        from fvcore.nn import FlopCountAnalysis

    x = torch.zeros(size)
    runs = {
        "torchinfo": lambda: torchinfo.summary(model, input_size=size, verbose=0).total_mult_adds,
        "fvcore": lambda: FlopCountAnalysis(model, x).total(),
        "thop": lambda: thop.profile(model, inputs=(x,), verbose=False)[0],
        "ptflops": lambda: _ptflops(ptflops, model, size, "pytorch"),
        "ptflops aten": lambda: _ptflops(ptflops, model, size, "aten"),
    }
    results = {}
    for name, count in runs.items():
        with _quiet():
            try:
                results[name] = count()
            except Exception as exc:  # a tool refusing a model is part of the comparison
                results[name] = f"error: {type(exc).__name__}"
        _strip_hooks(model)
    return results


def _ptflops(ptflops, model, size, backend):
    shape = tuple(size[1:])
    macs, _ = ptflops.get_model_complexity_info(
        model, shape, as_strings=False, print_per_layer_stat=False, backend=backend
    )
    return macs


def _strip_hooks(model: nn.Module) -> None:
    """thop leaves buffers and hooks behind; later tools must see the plain model."""
    for module in model.modules():
        for name in ("total_ops", "total_params"):
            module._buffers.pop(name, None)


def mac_rows(quick: bool) -> list[dict]:
    torch.set_num_threads(1)
    logging.disable(logging.WARNING)
    rows = []
    for label, model, size in cases():
        rows.append(
            {
                "case": label,
                "convolab": summary(model, size).total_macs,
                **tool_macs(model.eval(), size),
            }
        )
    for name in () if quick else ZOO:
        size = (1, model_info(name).in_channels, *model_info(name).input_size)
        model = create_model(name).eval()
        rows.append({"case": name, "convolab": summary(name).total_macs, **tool_macs(model, size)})
    return rows


def memory_rows() -> list[dict]:
    """torchinfo's Estimated Total Size, convolab's training-step estimate, the measured peak."""
    import torchinfo

    script = ROOT / "tests" / "models" / "peak_memory.py"
    rows = []
    for name, batch, size in MEMORY:
        shape = (batch, model_info(name).in_channels, size, size)
        with _quiet():
            info = torchinfo.summary(create_model(name), input_size=shape, verbose=0)
        total = info.total_input + info.total_output_bytes + info.total_param_bytes
        argv = [sys.executable, str(script), name, str(batch), str(size), "adamw"]
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_bytes"]
        ours = summary(name, shape).training.peak
        rows.append(
            {
                "case": f"{name} batch {batch}",
                "torchinfo": total,
                "convolab": ours,
                "measured": peak,
            }
        )
    return rows


def _cell(value) -> str:
    return value if isinstance(value, str) else f"{int(value):,}"


def print_table(rows: list[dict], unit: float = 1) -> None:
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [row["case"]] + [
            v if isinstance(v, str) else _cell(v / unit) if unit == 1 else f"{v / unit:.1f}"
            for v in list(row.values())[1:]
        ]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only, no memory")
    args = parser.parse_args()
    print("Multiply-accumulates (torchinfo: total_mult_adds; fvcore: total(); thop, ptflops: MACs)")
    print_table(mac_rows(args.quick))
    if not args.quick:
        print("\nMemory of one AdamW training step, MiB (torchinfo: its Estimated Total Size)")
        print_table(memory_rows(), unit=2**20)


if __name__ == "__main__":
    main()
