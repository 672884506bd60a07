"""Endless, seeded index samplers (``InfiniteSampler`` and its group/distributed variants).

They are used with ``use_infinite_sampler=True`` (e.g. with
``InfiniteEpochBasedRunner``): the sampler yields one never-ending stream of
indices, so the dataloader iterator is created once and never restarts (no
worker re-spawn per epoch). ``len()`` still reports the number of indices of
one pass over the data, which a runner uses as the epoch length.

The four samplers live in one module because ``mmfewshot.utils.infinite_sampler``
is the documented path of all of them; they share one implementation.

How the stream is built (``N`` samples, ``R`` replicas, ``S`` samples per GPU):

* a local :class:`torch.Generator` seeded with ``seed`` draws one permutation of
  ``range(N)`` per pass (``range(N)`` itself when ``shuffle=False``); the same
  seed gives the same stream on every machine and every rank;
* plain samplers pad each pass cyclically to a multiple of ``R`` and give rank
  ``r`` the positions ``r, r + R, ...``: the shards of one pass are disjoint
  (up to the padding) and cover the dataset;
* group samplers put every index of the global stream into the buffer of its
  group flag (``dataset.flag``; all zeros when the dataset has none); a full
  buffer (``S`` indices) becomes one batch, and batch ``k`` goes to rank
  ``k % R``. Every ``S`` consecutive indices of a rank share one flag.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sized
from typing import Any

import numpy as np
import torch
from mmengine.dist import get_dist_info
from torch.utils.data import Sampler

from mmfewshot.registry import DATA_SAMPLERS


def _group_flags(dataset: Sized) -> np.ndarray:
    """Returns the per-sample group flags of a dataset (zeros without ``flag``), shape (N,)."""
    flag = getattr(dataset, 'flag', None)
    if flag is None:
        return np.zeros(len(dataset), dtype=np.int64)
    flags = np.asarray(flag)
    if flags.shape != (len(dataset),) or not np.issubdtype(flags.dtype, np.integer):
        raise ValueError(
            f'dataset.flag must be an integer array with one entry per sample '
            f'(shape ({len(dataset)},)), got dtype {flags.dtype} and shape {flags.shape}; '
            'fix the dataset flag (e.g. 0/1 for landscape/portrait images)'
        )
    if flags.size and flags.min() < 0:
        raise ValueError(f'dataset.flag has negative value {flags.min()}; flags must be >= 0')
    return flags.astype(np.int64)


def _resolve_dist(num_replicas: int | None, rank: int | None) -> tuple[int, int]:
    dist_rank, dist_world = get_dist_info()
    num_replicas = dist_world if num_replicas is None else num_replicas
    rank = dist_rank if rank is None else rank
    if num_replicas < 1:
        raise ValueError(f'num_replicas={num_replicas} must be >= 1')
    if not 0 <= rank < num_replicas:
        raise ValueError(f'rank={rank} must be in [0, num_replicas={num_replicas})')
    return num_replicas, rank


def _warn_if_distributed(name: str) -> None:
    _, world_size = get_dist_info()
    if world_size > 1:
        warnings.warn(
            f'{name} is a single-process sampler but the world size is {world_size}, so every '
            f'rank gets the same stream; use Distributed{name} (or mmengine.InfiniteSampler in '
            'mmengine-style configs) to shard the data',
            UserWarning,
            stacklevel=3,
        )


class _InfiniteStream(Sampler[int]):
    """The shared implementation; see the module docstring."""

    def __init__(
        self,
        dataset: Sized,
        samples_per_gpu: int,
        num_replicas: int,
        rank: int,
        seed: int | None,
        shuffle: bool,
        grouped: bool,
    ) -> None:
        self.dataset = dataset
        self.size = len(dataset)
        if self.size == 0:
            raise ValueError(
                f'{type(self).__name__} got an empty dataset; an endless stream needs >= 1 sample'
            )
        if samples_per_gpu < 1:
            raise ValueError(f'samples_per_gpu={samples_per_gpu} must be >= 1')
        self.samples_per_gpu = samples_per_gpu
        self.num_replicas = num_replicas
        self.rank = rank
        self.seed = 0 if seed is None else int(seed)
        self.shuffle = shuffle
        self.epoch = 0
        self.flag = _group_flags(dataset) if grouped else None
        self._iterator: Iterator[int] | None = None

    def _passes(self) -> Iterator[list[int]]:
        """The global stream, one pass (a permutation of ``range(N)``) at a time."""
        generator = torch.Generator()
        generator.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield torch.randperm(self.size, generator=generator).tolist()
            else:
                yield list(range(self.size))

    def _plain_stream(self) -> Iterator[int]:
        per_rank = -(-self.size // self.num_replicas)
        total = per_rank * self.num_replicas
        for order in self._passes():
            padded = (order * (total // self.size + 1))[:total]
            yield from padded[self.rank : total : self.num_replicas]

    def _group_stream(self) -> Iterator[int]:
        assert self.flag is not None
        buffers: dict[int, list[int]] = {}
        batch_id = 0
        for order in self._passes():
            for idx in order:
                buffer = buffers.setdefault(int(self.flag[idx]), [])
                buffer.append(idx)
                if len(buffer) == self.samples_per_gpu:
                    if batch_id % self.num_replicas == self.rank:
                        yield from buffer
                    batch_id += 1
                    buffer.clear()

    def __iter__(self) -> Iterator[int]:
        # One stream for the sampler's life: a second iter() continues it.
        if self._iterator is None:
            self._iterator = self._group_stream() if self.flag is not None else self._plain_stream()
        return self._iterator

    def __len__(self) -> int:
        return -(-self.size // self.num_replicas)

    def set_epoch(self, epoch: int) -> None:
        """Records the epoch; the stream does not restart or change with it.

        Args:
            epoch: The current epoch number.
        """
        self.epoch = epoch

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state['_iterator'] = None  # generators cannot be pickled; a copy restarts the stream
        return state


@DATA_SAMPLERS.register_module()
class InfiniteSampler(_InfiniteStream):
    """Endless stream of indices for one process.

    Args:
        dataset: The dataset to sample from (``len(dataset) = N``).
        seed: Seed of the local generator (``None`` means 0).
        shuffle: Whether each pass is a random permutation (else ``0..N-1``).

    ``len(sampler)`` is ``N``, the number of indices of one pass. It does not
    shard: created in a distributed run it warns (mmengine's own
    ``InfiniteSampler`` of the same name does shard; configs in mmengine's
    schema that mean that one should write ``type='mmengine.InfiniteSampler'``).

    Examples:
        >>> sampler = InfiniteSampler(range(3), shuffle=False)
        >>> it = iter(sampler)
        >>> [next(it) for _ in range(7)]
        [0, 1, 2, 0, 1, 2, 0]
    """

    def __init__(self, dataset: Sized, seed: int | None = 0, shuffle: bool = True) -> None:
        _warn_if_distributed('InfiniteSampler')
        super().__init__(dataset, 1, 1, 0, seed, shuffle, grouped=False)


@DATA_SAMPLERS.register_module()
class InfiniteGroupSampler(_InfiniteStream):
    """Endless stream whose consecutive batches each come from one group flag.

    Every ``samples_per_gpu`` consecutive indices share one ``dataset.flag``
    value (mmdet groups images by aspect ratio this way); a dataset without
    ``flag`` is one group.

    Args:
        dataset: The dataset to sample from, optionally with an integer
            ``flag`` array of shape (N,).
        samples_per_gpu: Batch size ``S``.
        seed: Seed of the local generator (``None`` means 0).
        shuffle: Whether each pass is a random permutation.

    ``len(sampler)`` is ``N``.
    """

    def __init__(
        self,
        dataset: Sized,
        samples_per_gpu: int = 1,
        seed: int | None = 0,
        shuffle: bool = True,
    ) -> None:
        _warn_if_distributed('InfiniteGroupSampler')
        super().__init__(dataset, samples_per_gpu, 1, 0, seed, shuffle, grouped=True)


@DATA_SAMPLERS.register_module()
class DistributedInfiniteSampler(_InfiniteStream):
    """Endless stream of indices, sharded over ``num_replicas`` ranks.

    All ranks draw the same global stream from ``seed``; rank ``r`` takes
    positions ``r, r + R, ...`` of each pass (padded cyclically to a multiple of
    ``R``), so the ranks' shards of one pass are disjoint and cover the data.

    Args:
        dataset: The dataset to sample from.
        num_replicas: Number of ranks ``R`` (default: the world size).
        rank: This process's rank (default: the current rank).
        seed: Seed of the local generator (``None`` means 0); use the same
            seed on every rank.
        shuffle: Whether each pass is a random permutation.

    ``len(sampler)`` is this rank's share of one pass, ``ceil(N / R)``.
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        seed: int | None = 0,
        shuffle: bool = True,
    ) -> None:
        num_replicas, rank = _resolve_dist(num_replicas, rank)
        super().__init__(dataset, 1, num_replicas, rank, seed, shuffle, grouped=False)


@DATA_SAMPLERS.register_module()
class DistributedInfiniteGroupSampler(_InfiniteStream):
    """Endless stream of single-flag batches, dealt round-robin to ``num_replicas`` ranks.

    The global stream of single-flag batches (see :class:`InfiniteGroupSampler`)
    is the same on every rank; batch ``k`` goes to rank ``k % R``, so ranks get
    disjoint batches.

    Args:
        dataset: The dataset to sample from, optionally with ``flag``.
        samples_per_gpu: Batch size ``S`` per rank.
        num_replicas: Number of ranks ``R`` (default: the world size).
        rank: This process's rank (default: the current rank).
        seed: Seed of the local generator (``None`` means 0).
        shuffle: Whether each pass is a random permutation.

    ``len(sampler)`` is this rank's share of one pass, ``ceil(N / R)``.
    """

    def __init__(
        self,
        dataset: Sized,
        samples_per_gpu: int = 1,
        num_replicas: int | None = None,
        rank: int | None = None,
        seed: int | None = 0,
        shuffle: bool = True,
    ) -> None:
        num_replicas, rank = _resolve_dist(num_replicas, rank)
        super().__init__(dataset, samples_per_gpu, num_replicas, rank, seed, shuffle, grouped=True)


__all__ = [
    'DistributedInfiniteGroupSampler',
    'DistributedInfiniteSampler',
    'InfiniteGroupSampler',
    'InfiniteSampler',
]
