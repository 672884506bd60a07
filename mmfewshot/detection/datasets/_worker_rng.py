"""A seeded NumPy generator that gives every DataLoader worker its own stream.

The dataset wrappers draw random support sets inside ``__getitem__``. A plain
generator stored on the dataset would be copied into each DataLoader worker
with the same state, so every worker would draw the same "random" supports.
:class:`WorkerRNG` reseeds itself the first time it is used inside a worker
from ``(seed, worker seed)``; the worker seed comes from the DataLoader, which
draws it from torch's seeded generator, so runs stay reproducible.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import get_worker_info


def resolve_seed(seed: int | None) -> int:
    """Returns ``seed``, or a seed derived from torch's initial seed when ``None``.

    ``torch.initial_seed()`` only reads the default generator's seed (no
    random number is consumed), so a run seeded with ``torch.manual_seed``
    (as mmengine's ``randomness.seed`` does) gives the same wrappers again.

    Args:
        seed: A non-negative integer or ``None``.

    Raises:
        ValueError: When ``seed`` is negative.
    """
    if seed is None:
        return int(torch.initial_seed()) % (2**63)
    if int(seed) < 0:
        raise ValueError(f'seed={seed} must be a non-negative integer (or None)')
    return int(seed)


class WorkerRNG:
    """Lazily (re)seeded :class:`numpy.random.Generator`.

    In the main process the stream is ``default_rng(seed)``; inside a
    DataLoader worker it is ``default_rng([seed, worker_seed])``.

    Args:
        seed: Base seed; ``None`` derives it from ``torch.initial_seed()``.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = resolve_seed(seed)
        self._key: tuple[int, int] | None = None
        self._generator = np.random.default_rng(self.seed)

    @property
    def generator(self) -> np.random.Generator:
        """The generator of the current process (reseeded once per worker)."""
        info = get_worker_info()
        key = None if info is None else (int(info.id), int(info.seed))
        if key != self._key:
            self._key = key
            entropy = [self.seed] if key is None else [self.seed, key[1]]
            self._generator = np.random.default_rng(entropy)
        return self._generator
