"""Where training runs: the device, the process group of a torchrun job, and the RNG state."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist

from convolab._args import invalid


@dataclass(frozen=True)
class Runtime:
    """The device of this process, its rank and the number of processes (1 without torchrun)."""

    device: torch.device
    rank: int = 0
    world: int = 1
    owns_group: bool = False  # this process created the process group (and ends it)

    @property
    def main(self) -> bool:
        """True in the one process that prints and writes files."""
        return self.rank == 0


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    """``auto`` -> cuda if available, then mps, then cpu; an unavailable device is an error."""
    mps = getattr(torch.backends, "mps", None)
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": bool(mps and mps.is_available()),
        "cpu": True,
    }
    if name == "auto":
        name = next(d for d in ("cuda", "mps", "cpu") if available[d])
    if not available.get(name, False):
        usable = ", ".join(d for d, ok in available.items() if ok)
        raise invalid("device", name, f"an available device ({usable}) or 'auto'")
    return torch.device(f"cuda:{local_rank}" if name == "cuda" else name)


def start(device: str) -> Runtime:
    """The runtime of this process; joins the torchrun process group when WORLD_SIZE > 1.

    gloo serves CPU processes, nccl CUDA ones; each CUDA process takes GPU ``LOCAL_RANK``.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Runtime(resolve_device(device))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    dev = resolve_device(device, local_rank)
    if dev.type == "cuda":
        torch.cuda.set_device(dev)
    owns = not dist.is_initialized()
    if owns:
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    return Runtime(dev, dist.get_rank(), dist.get_world_size(), owns)


def stop(runtime: Runtime) -> None:
    """Leave the process group if :func:`start` created it."""
    if runtime.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def barrier(runtime: Runtime) -> None:
    """Wait for every process (a no-op for a single process)."""
    if runtime.world > 1:
        dist.barrier()


def all_sum(tensor: torch.Tensor, runtime: Runtime) -> torch.Tensor:
    """``tensor`` summed over all processes (itself for a single process)."""
    if runtime.world > 1:
        tensor = tensor.clone()
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global generators."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator users may still call
    torch.manual_seed(seed)


def rng_state() -> dict:
    """The global RNG states as plain tensors and lists (loadable with weights_only=True)."""
    version, state, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()  # noqa: NPY002
    return {
        "python": [version, list(state), gauss],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` captured."""
    version, keys, gauss = state["python"]
    random.setstate((version, tuple(keys), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))  # noqa: NPY002
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
