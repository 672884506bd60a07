"""Small helpers for (optionally) distributed runs: init check and a shared random seed."""

from __future__ import annotations

import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dist import get_dist_info


def check_dist_init() -> bool:
    """Whether a default ``torch.distributed`` process group is initialised."""
    return torch_dist.is_available() and torch_dist.is_initialized()


def _comm_device(device: str | torch.device) -> torch.device:
    """The device to broadcast on: CPU for gloo or without CUDA, else ``device``."""
    target = torch.device(device)
    if target.type == 'cuda' and not torch.cuda.is_available():
        return torch.device('cpu')
    if check_dist_init() and torch_dist.get_backend() == 'gloo':
        return torch.device('cpu')
    return target


def sync_random_seed(seed: int | None = None, device: str | torch.device = 'cuda') -> int:
    """Returns one seed shared by every rank.

    Samplers of all ranks must shuffle with the same seed, or their shards
    overlap. If ``seed`` is ``None``, rank 0 draws one from fresh OS entropy
    (numpy's global RNG is neither used nor touched) and broadcasts it; a
    given seed is broadcast from rank 0 too, so rank 0's value wins. Without an
    initialised process group the seed is returned as is.

    Args:
        seed: The seed, or ``None`` to draw one.
        device: Device of the broadcast tensor. ``'cuda'`` falls back to the
            CPU when CUDA is unavailable or the process group uses gloo.

    Returns:
        The seed, identical on all ranks, in ``[0, 2**31)`` when drawn.
    """
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    rank, world_size = get_dist_info()
    if world_size == 1 or not check_dist_init():
        return seed
    value = seed if rank == 0 else 0
    tensor = torch.tensor(value, dtype=torch.int64, device=_comm_device(device))
    torch_dist.broadcast(tensor, src=0)
    return int(tensor.item())


def _sampler_seed(seed: int | None, num_replicas: int) -> int:
    """The seed of a sampler: shared over ranks when it shards, else drawn locally if ``None``."""
    if num_replicas > 1:
        return sync_random_seed(seed)
    return int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)


__all__ = ['check_dist_init', 'sync_random_seed']
