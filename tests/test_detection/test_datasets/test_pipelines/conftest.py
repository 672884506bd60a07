"""Fixtures for the detection pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _restore_numpy_rng() -> Iterator[None]:
    """Random transforms draw from NumPy's global RNG; keep tests from leaking seeds."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


@pytest.fixture
def scene() -> np.ndarray:
    """A 60x80 BGR uint8 image with distinct smooth colours."""
    ys, xs = np.mgrid[0:60, 0:80]
    return np.stack([xs * 3, ys * 4, (xs + 2 * ys) % 250], axis=-1).astype(np.uint8)
