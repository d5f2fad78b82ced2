"""Where training runs: the device, CPU threads, the process group of a torchrun job, the RNG.

CPU threads. torch uses one thread per core by default, and its OpenMP threads wait for each
other at every parallel region: when other programs keep some cores busy, every step waits
for the slowest, descheduled thread. Measured on a 2-core machine shared with other jobs
(``benchmarks/train_time.py --threads``, ``docs/train.md``): an epoch of LeNet-5 on 7,200
MNIST-size images took 3.6 s with 1 thread and 32.9 s with 2 at a load average of 3-7, and
with a ``python -c "while 1: pass"`` beside it 9.3 s against 129 s; at a quieter moment 2
threads were 1.5x faster alone and 2.8x slower beside one such loop. So ``threads=0`` (the
default) counts only the idle cores: the cores this process may use minus the 1-minute load
average, shared among the processes of a torchrun job, and at least 1. Too few threads cost
at most the idle cores' share; too many cost 3-14x.
"""

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
    threads: int = 0  # torch's CPU threads while training (0: left as they were)
    previous_threads: int = 0  # torch's CPU threads before, restored by stop()
    threads_why: str = ""  # how ``threads`` was chosen, for the run's output

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


def idle_cores(local_processes: int = 1) -> tuple[int, str]:
    """(CPU threads for each of ``local_processes``, how they were counted) from the load.

    The cores this process may use (``os.sched_getaffinity``) minus the 1-minute load
    average, rounded, shared among the local processes, at least 1 (see the module notes).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this system: assume the cores are busy
        load = float(cores)
    idle = max(1, (cores - round(load)) // max(local_processes, 1))
    return idle, f"{cores} cores, load average {load:.1f}"


def start(device: str, threads: int = 0) -> Runtime:
    """The runtime of this process; joins the torchrun process group when WORLD_SIZE > 1.

    gloo serves CPU processes, nccl CUDA ones; each CUDA process takes GPU ``LOCAL_RANK``.
    ``threads`` sets torch's CPU threads (0: :func:`idle_cores`) until :func:`stop`.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, owns = 0, False
    if world == 1:
        dev = resolve_device(device)
    else:
        dev = resolve_device(device, int(os.environ.get("LOCAL_RANK", "0")))
        if dev.type == "cuda":
            torch.cuda.set_device(dev)
        owns = not dist.is_initialized()
        if owns:
            dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    why = "as asked"
    if not threads:
        threads, why = idle_cores(int(os.environ.get("LOCAL_WORLD_SIZE", str(world))))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    return Runtime(dev, rank, world, owns, threads, previous, why)


def stop(runtime: Runtime) -> None:
    """Leave the process group if :func:`start` created it; give torch its threads back."""
    if runtime.previous_threads:
        torch.set_num_threads(runtime.previous_threads)
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
