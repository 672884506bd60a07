"""A finite distributed sampler with mmcls 0.x semantics (``round_up``, seeded shuffling)."""

from __future__ import annotations

from collections.abc import Iterator, Sized

import torch
from torch.utils.data import Sampler

from mmfewshot.registry import DATA_SAMPLERS

from .dist_utils import _sampler_seed
from .infinite_sampler import _resolve_dist


@DATA_SAMPLERS.register_module()
class DistributedSampler(Sampler[int]):
    """Shards one pass over a dataset across ranks.

    Each epoch, a local :class:`torch.Generator` seeded with ``seed + epoch``
    permutes ``range(N)`` (identically on every rank); with ``round_up`` the
    order is padded cyclically to ``ceil(N / R) * R`` so every rank gets the
    same number of indices; rank ``r`` takes positions ``r, r + R, ...``.

    Args:
        dataset: The dataset to sample from (``len(dataset) = N``).
        num_replicas: Number of ranks ``R`` (default: the world size).
        rank: This process's rank (default: the current rank).
        shuffle: Whether to permute each epoch (else ``0..N-1``).
        round_up: Whether to pad so that all ranks get ``ceil(N / R)`` indices;
            without it rank ``r`` gets ``ceil((N - r) / R)`` and no index repeats.
        seed: Base seed; ``None`` draws one on rank 0 and shares it
            (:func:`~mmfewshot.utils.sync_random_seed`).
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        round_up: bool = True,
        seed: int | None = 0,
    ) -> None:
        self.num_replicas, self.rank = _resolve_dist(num_replicas, rank)
        self.dataset = dataset
        self.shuffle = shuffle
        self.round_up = round_up
        self.seed = _sampler_seed(seed, self.num_replicas)
        self.epoch = 0
        size = len(dataset)
        self.total_size = -(-size // self.num_replicas) * self.num_replicas if round_up else size

    def __iter__(self) -> Iterator[int]:
        size = len(self.dataset)
        if self.shuffle:
            generator = torch.Generator()
            generator.manual_seed(self.seed + self.epoch)
            order = torch.randperm(size, generator=generator).tolist()
        else:
            order = list(range(size))
        if self.round_up and size:
            order = (order * (self.total_size // size + 1))[: self.total_size]
        return iter(order[self.rank : self.total_size : self.num_replicas])

    def __len__(self) -> int:
        return len(range(self.rank, self.total_size, self.num_replicas))

    def set_epoch(self, epoch: int) -> None:
        """Sets the epoch, which changes the permutation of the next pass.

        Args:
            epoch: The epoch number.
        """
        self.epoch = epoch


__all__ = ['DistributedSampler']
