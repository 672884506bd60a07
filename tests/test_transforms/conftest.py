"""Fixtures for the shared transform tests: a restored NumPy RNG and tiny image files."""

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
def image_4x6() -> np.ndarray:
    """A 4x6 BGR uint8 image whose pixels are all distinct and known."""
    return np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)


@pytest.fixture
def write_image(tmp_path: Path) -> Callable[[str, np.ndarray], Path]:
    """Writes an array as a lossless PNG (or any cv2 format) under ``tmp_path``."""

    def _write(name: str, img: np.ndarray) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), img)
        return path

    return _write
