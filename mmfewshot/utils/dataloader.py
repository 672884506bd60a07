"""The generic 0.x ``build_dataloader`` (mmcv 1.x semantics), wrapped by both tasks."""

from __future__ import annotations

import random
import warnings
from functools import partial
from typing import Any

import numpy as np
import torch
from mmengine.dist import get_dist_info
from torch.utils.data import DataLoader, Dataset, Sampler

from .collate import collate
from .distributed_sampler import DistributedSampler
from .group_sampler import DistributedGroupSampler, GroupSampler
from .infinite_sampler import (
    DistributedInfiniteGroupSampler,
    DistributedInfiniteSampler,
    InfiniteGroupSampler,
    InfiniteSampler,
)


def worker_init_fn(worker_id: int, num_workers: int, rank: int, seed: int) -> None:
    """Seeds the RNGs of one dataloader worker with ``seed + rank * num_workers + worker_id``.

    Worker processes are separate, so seeding their global ``random``, numpy
    and torch RNGs makes random pipeline transforms reproducible without
    affecting the main process.

    Args:
        worker_id: Index of the worker within this rank's loader.
        num_workers: Number of workers per rank.
        rank: Rank of the process.
        seed: The run's seed.
    """
    worker_seed = seed + rank * num_workers + worker_id
    np.random.seed(worker_seed % 2**32)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)


def _build_sampler(
    dataset: Dataset,
    samples_per_gpu: int,
    dist: bool,
    shuffle: bool,
    round_up: bool,
    seed: int | None,
    use_infinite_sampler: bool,
) -> Sampler[int] | None:
    rank, world_size = get_dist_info()
    grouped = shuffle and hasattr(dataset, 'flag')
    sized: Any = dataset
    if use_infinite_sampler:
        if not dist:
            # dist=False asks for one unsharded stream on purpose: no warning about it.
            with warnings.catch_warnings():
                warnings.filterwarnings('ignore', message='.*single-process sampler')
                if grouped:
                    return InfiniteGroupSampler(sized, samples_per_gpu, seed)
                return InfiniteSampler(sized, seed, shuffle)
        if grouped:
            return DistributedInfiniteGroupSampler(sized, samples_per_gpu, world_size, rank, seed)
        return DistributedInfiniteSampler(sized, world_size, rank, seed, shuffle)
    if dist and grouped:
        return DistributedGroupSampler(sized, samples_per_gpu, world_size, rank, seed)
    if dist:
        return DistributedSampler(sized, world_size, rank, shuffle, round_up, seed)
    if grouped:
        return GroupSampler(sized, samples_per_gpu, seed)
    if shuffle:
        # One unsharded replica: epoch e is permuted by seed + e (set_epoch), so a run
        # resumed at an epoch boundary sees the same order as a straight run.
        return DistributedSampler(sized, 1, 0, shuffle=True, round_up=False, seed=seed)
    return None


def _local_generator(seed: int | None) -> torch.Generator:
    """A generator seeded with ``seed``, or from fresh entropy (never the global RNG)."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


def build_dataloader(
    dataset: Dataset,
    samples_per_gpu: int,
    workers_per_gpu: int,
    num_gpus: int = 1,
    dist: bool = True,
    shuffle: bool = True,
    round_up: bool = True,
    seed: int | None = None,
    pin_memory: bool = False,
    use_infinite_sampler: bool = False,
    **kwargs: Any,
) -> DataLoader:
    """Builds a PyTorch dataloader the way the 0.x training code did.

    * ``dist=True``: one loader per rank; batch size ``samples_per_gpu``,
      ``workers_per_gpu`` workers, and a distributed sampler sharding the data.
    * ``dist=False``: one loader for ``num_gpus`` devices; batch size
      ``num_gpus * samples_per_gpu``, ``num_gpus * workers_per_gpu`` workers.
    * Samplers: with ``use_infinite_sampler``, the (Distributed)Infinite(Group)
      samplers (an endless stream); otherwise :class:`DistributedSampler`
      (``round_up``) when distributed, the same sampler as one unpadded
      replica when shuffling in one process (epoch ``e`` is the permutation
      drawn with ``seed + e``, so resuming at an epoch keeps the order of a
      straight run), and sequential order otherwise. When the dataset has a
      ``flag`` attribute and ``shuffle`` is set, the group variant is used so that
      each device's ``samples_per_gpu`` samples share one flag.
    * ``collate_fn`` is :func:`~mmfewshot.utils.collate` with
      ``samples_per_gpu``; with a ``seed``, worker ``w`` of rank ``r`` is seeded
      with ``seed + r * num_workers + w``. The loader gets a local
      ``generator`` (seeded with ``seed``), so iterating it never draws from
      torch's global RNG.

    Args:
        dataset: The dataset.
        samples_per_gpu: Samples per device (the per-rank batch size).
        workers_per_gpu: Loader worker processes per device.
        num_gpus: Devices driven by this process (non-distributed only).
        dist: Whether this is one rank of a distributed run.
        shuffle: Whether to shuffle.
        round_up: Whether :class:`DistributedSampler` pads so all ranks get
            the same number of samples.
        seed: Seed of the samplers and workers, or ``None``.
        pin_memory: Whether the loader pins memory.
        use_infinite_sampler: Whether to use an endless sampler.
        **kwargs: Further :class:`~torch.utils.data.DataLoader` arguments; they
            override the ones above (e.g. ``collate_fn``, ``persistent_workers``).

    Returns:
        The dataloader.

    Raises:
        ValueError: If ``samples_per_gpu < 1``, ``workers_per_gpu < 0`` or
            ``num_gpus < 1``.
    """
    if samples_per_gpu < 1:
        raise ValueError(f'samples_per_gpu={samples_per_gpu} must be >= 1 (data.samples_per_gpu)')
    if workers_per_gpu < 0:
        raise ValueError(f'workers_per_gpu={workers_per_gpu} must be >= 0 (data.workers_per_gpu)')
    if num_gpus < 1:
        raise ValueError(f'num_gpus={num_gpus} must be >= 1')
    rank, _ = get_dist_info()
    if dist:
        batch_size, num_workers = samples_per_gpu, workers_per_gpu
    else:
        batch_size, num_workers = num_gpus * samples_per_gpu, num_gpus * workers_per_gpu
    sampler = _build_sampler(
        dataset, samples_per_gpu, dist, shuffle, round_up, seed, use_infinite_sampler
    )
    init_fn = (
        partial(worker_init_fn, num_workers=num_workers, rank=rank, seed=seed)
        if seed is not None
        else None
    )
    loader_args: dict[str, Any] = dict(
        batch_size=batch_size,
        sampler=sampler,
        num_workers=num_workers,
        collate_fn=partial(collate, samples_per_gpu=samples_per_gpu),
        pin_memory=pin_memory,
        worker_init_fn=init_fn,
        # The loader draws its workers' base seed from this, not from torch's global RNG.
        generator=_local_generator(seed),
    )
    loader_args.update(kwargs)
    return DataLoader(dataset, **loader_args)


__all__ = ['build_dataloader', 'worker_init_fn']
