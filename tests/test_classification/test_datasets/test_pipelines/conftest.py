"""Fixtures for the classification pipeline tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _restore_numpy_rng() -> Iterator[None]:
    """Random transforms draw from NumPy's global RNG; keep tests from leaking seeds."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


@pytest.fixture
def textured_image() -> np.ndarray:
    """A 90x120 BGR uint8 image with smooth, distinct colours (no flat regions)."""
    ys, xs = np.mgrid[0:90, 0:120]
    img = np.stack([xs * 2, ys * 2 + 10, (xs + ys) % 200 + 30], axis=-1)
    return img.astype(np.uint8)


@pytest.fixture
def write_image(tmp_path: Path) -> Callable[[str, np.ndarray], Path]:
    """Writes an array as a lossless PNG under ``tmp_path`` and returns its path."""

    def _write(name: str, img: np.ndarray) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), img)
        return path

    return _write
