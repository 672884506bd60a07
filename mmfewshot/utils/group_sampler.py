"""Finite samplers whose batches each come from one group flag (mmdet 2.x semantics).

mmdet datasets carry ``flag`` (e.g. 1 for landscape images, 0 for portrait);
batching images of one flag keeps padding small. Both samplers live here
because ``GroupSampler`` is the one-process case of ``DistributedGroupSampler``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sized

import numpy as np
import torch
from torch.utils.data import Sampler

from mmfewshot.registry import DATA_SAMPLERS

from .dist_utils import _sampler_seed
from .infinite_sampler import _group_flags, _resolve_dist


@DATA_SAMPLERS.register_module()
class DistributedGroupSampler(Sampler[int]):
    """Shards single-flag batches of one pass across ranks.

    Each epoch, with a local :class:`torch.Generator` seeded with
    ``seed + epoch`` (identical on every rank): the indices of each flag are
    shuffled and padded cyclically to a multiple of ``S * R``; all of them are
    cut into batches of ``S`` (one flag each) whose order is shuffled; rank
    ``r`` takes the ``r``-th contiguous share of that batch list.

    Args:
        dataset: The dataset, optionally with an integer ``flag`` array of
            shape (N,) (all zeros when absent).
        samples_per_gpu: Batch size ``S`` per rank.
        num_replicas: Number of ranks ``R`` (default: the world size).
        rank: This process's rank (default: the current rank).
        seed: Base seed; ``None`` draws one on rank 0 and shares it.

    ``len(sampler)`` is ``sum_f ceil(n_f / (S * R)) * S`` for flag sizes ``n_f``.
    """

    def __init__(
        self,
        dataset: Sized,
        samples_per_gpu: int = 1,
        num_replicas: int | None = None,
        rank: int | None = None,
        seed: int | None = 0,
    ) -> None:
        if samples_per_gpu < 1:
            raise ValueError(f'samples_per_gpu={samples_per_gpu} must be >= 1')
        self.num_replicas, self.rank = _resolve_dist(num_replicas, rank)
        self.dataset = dataset
        self.samples_per_gpu = samples_per_gpu
        self.seed = _sampler_seed(seed, self.num_replicas)
        self.epoch = 0
        self.flag = _group_flags(dataset)
        self.group_sizes = np.bincount(self.flag) if self.flag.size else np.zeros(0, np.int64)
        chunk = samples_per_gpu * self.num_replicas
        self.num_samples = int(sum(-(-int(n) // chunk) * samples_per_gpu for n in self.group_sizes))
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator()
        generator.manual_seed(self.seed + self.epoch)
        chunk = self.samples_per_gpu * self.num_replicas
        indices: list[int] = []
        for flag, size in enumerate(self.group_sizes):
            if size == 0:
                continue
            members = np.flatnonzero(self.flag == flag)
            order = members[torch.randperm(int(size), generator=generator).numpy()].tolist()
            target = -(-int(size) // chunk) * chunk
            indices.extend((order * (target // int(size) + 1))[:target])
        num_batches = len(indices) // self.samples_per_gpu
        batches = [
            indices[b * self.samples_per_gpu : (b + 1) * self.samples_per_gpu]
            for b in torch.randperm(num_batches, generator=generator).tolist()
        ]
        flat = [i for batch in batches for i in batch]
        start = self.rank * self.num_samples
        return iter(flat[start : start + self.num_samples])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Sets the epoch, which changes the order of the next pass.

        Args:
            epoch: The epoch number.
        """
        self.epoch = epoch


@DATA_SAMPLERS.register_module()
class GroupSampler(DistributedGroupSampler):
    """Single-flag batches of one pass for one process (see :class:`DistributedGroupSampler`).

    Args:
        dataset: The dataset, optionally with an integer ``flag`` array.
        samples_per_gpu: Batch size ``S``.
        seed: Base seed of the local generator; ``None`` draws a fresh one.

    ``len(sampler)`` is ``sum_f ceil(n_f / S) * S``.
    """

    def __init__(self, dataset: Sized, samples_per_gpu: int = 1, seed: int | None = None) -> None:
        super().__init__(dataset, samples_per_gpu, num_replicas=1, rank=0, seed=seed)


__all__ = ['DistributedGroupSampler', 'GroupSampler']
