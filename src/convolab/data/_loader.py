"""Mini-batches of uint8 images from memory, shuffled reproducibly, sharded across processes.

The training order of epoch ``e`` is a permutation drawn from ``seed + e`` (PyTorch's
``DistributedSampler``, also used with a single process), so a run resumed at epoch ``e``
sees exactly the batches an uninterrupted run would.
"""

from __future__ import annotations

import torch
from torch.utils.data import BatchSampler, DataLoader, DistributedSampler

from convolab.data._arrays import ImageArrays


class ArrayDataset(torch.utils.data.Dataset):
    """A split as one tensor, indexed by a list of positions: one call returns a whole batch.

    ``prepare``, when given, is applied once to the uint8 images (n, C, H, W), ``chunk`` at
    a time, and its output is stored instead.
    """

    def __init__(self, arrays: ImageArrays, prepare=None, chunk: int = 1024):
        images = torch.from_numpy(arrays.images).permute(0, 3, 1, 2)  # (N, C, H, W)
        if prepare is not None:
            images = torch.cat(
                [prepare(images[i : i + chunk]) for i in range(0, len(images), chunk)]
            )
        self.images = images.contiguous()
        self.labels = torch.from_numpy(arrays.labels)  # (N,)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index):
        index = torch.as_tensor(index)
        return self.images[index], self.labels[index]  # (B, C, H, W), (B,)


class BatchLoader:
    """Iterate over (images uint8 (B, C, H, W), labels (B,)) batches of one split.

    Parameters
    ----------
    arrays : ImageArrays
        The split.
    batch_size : int
        Images per batch in this process.
    shuffle : bool
        Training order (a fresh permutation each epoch, dropping the last partial batch) or
        evaluation order (every image once, in order).
    seed : int
        Base seed of the permutations; epoch ``e`` uses ``seed + e``.
    rank, world : int
        This process and the number of processes; each sees its own shard.
    workers : int
        DataLoader worker processes (0: load in the training process).
    prepare : callable, optional
        Applied once to the whole split, in chunks of uint8 images (n, C, H, W), e.g.
        :func:`convolab.data.to_model_size`, so batches need no per-step resizing.
    """

    def __init__(
        self,
        arrays: ImageArrays,
        batch_size: int,
        *,
        shuffle: bool,
        seed: int = 0,
        rank: int = 0,
        world: int = 1,
        workers: int = 0,
        pin_memory: bool = False,
        prepare=None,
    ):
        dataset = ArrayDataset(arrays, prepare)
        if shuffle:
            self.sampler = DistributedSampler(dataset, world, rank, shuffle=True, seed=seed)
        else:
            self.sampler = range(rank, len(dataset), world)
        drop_last = shuffle and len(self.sampler) > batch_size
        self.batches = BatchSampler(self.sampler, batch_size, drop_last=drop_last)
        self.dataset, self.pin = dataset, pin_memory and torch.cuda.is_available()
        # Without workers, index the tensors directly: no DataLoader machinery per step.
        self.loader = None
        if workers > 0:
            self.loader = DataLoader(
                dataset,
                batch_size=None,
                sampler=self.batches,
                num_workers=workers,
                pin_memory=self.pin,
                persistent_workers=True,
            )

    def set_epoch(self, epoch: int) -> None:
        """Pick the permutation of ``epoch`` (no effect in evaluation order)."""
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        if self.loader is not None:
            yield from self.loader
            return
        for index in self.batches:
            images, labels = self.dataset[index]
            yield (images.pin_memory(), labels.pin_memory()) if self.pin else (images, labels)

    def __repr__(self) -> str:
        return f"BatchLoader({len(self)} batches)"
