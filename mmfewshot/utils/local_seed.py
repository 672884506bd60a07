"""A context manager that runs numpy code under a temporary global seed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


@contextmanager
def local_numpy_seed(seed: int | None = None) -> Iterator[None]:
    """Seeds numpy's global RNG inside the block and restores its previous state on exit.

    Code that draws from ``np.random.*`` (e.g. episode generation) becomes
    reproducible without changing the random stream seen by the code around
    it: on exit, normal or through an exception, the global state is exactly
    what it was on entry. With ``seed=None`` the block draws from the current
    global state unseeded, and that state is still restored on exit (so the
    draws do not advance the global stream).

    Args:
        seed: Seed applied on entry, or ``None`` to leave the state as it is.

    Examples:
        >>> import numpy as np
        >>> with local_numpy_seed(0):
        ...     a = np.random.rand()
        >>> with local_numpy_seed(0):
        ...     b = np.random.rand()
        >>> a == b
        True
    """
    state = np.random.get_state()
    if seed is not None:
        np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


__all__ = ['local_numpy_seed']
