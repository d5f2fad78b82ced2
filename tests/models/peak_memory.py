"""The peak memory of one training step on the CPU, measured by torch's profiler.

Run as a script in a fresh process (one thread, nothing else allocated), it prints one JSON
line: ``python tests/models/peak_memory.py resnet18 8 224 adamw``.

How it is measured: ``tracemalloc`` and ``torch.cuda.max_memory_allocated`` do not see
torch's CPU allocations, and the process's resident size mixes in the allocator's caching and
the libraries. The profiler with ``profile_memory=True`` records every allocation and free of
torch's CPU allocator (tensors and the backends' scratch buffers alike); its memory timeline
(``export_memory_timeline``) starts from the tensors alive before the step (parameters,
optimizer state, the batch) and gives the bytes alive after each event. The peak is the
largest of them, during the second step (the first creates the optimizer state).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import torch


def _optimizer(name: str, params) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.01)
    if name == "sgd+momentum":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9)
    return {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name](params)


def measure(name: str, batch: int, size: int, optimizer: str) -> int:
    """Peak bytes allocated by torch during one training step of a zoo model."""
    from torch.profiler import ProfilerActivity, profile

    from convolab.models import create_model, model_info

    torch.manual_seed(0)
    model = create_model(name).train()
    x = torch.randn(batch, model_info(name).in_channels, size, size)
    y = torch.randint(0, 10, (batch,))
    opt = _optimizer(optimizer, model.parameters())

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    step()
    options = {"profile_memory": True, "record_shapes": True, "with_stack": True}
    with profile(activities=[ProfilerActivity.CPU], **options) as prof:
        step()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.json"
        prof.export_memory_timeline(str(path), device="cpu")
        _, sizes = json.loads(path.read_text())  # bytes per category after each event
    return max(sum(row) for row in sizes)


if __name__ == "__main__":
    torch.set_num_threads(1)
    model_name, batch_size, input_size, optimizer_name = sys.argv[1:5]
    peak = measure(model_name, int(batch_size), int(input_size), optimizer_name)
    print(json.dumps({"peak_bytes": peak}))
