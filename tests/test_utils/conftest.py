"""Fixtures shared by the utils tests."""

from __future__ import annotations

import numpy as np
import pytest


class FlagDataset:
    """Items are their own indices; ``flag`` groups them like mmdet's aspect-ratio flag."""

    def __init__(self, flag: list[int]) -> None:
        self.flag = np.array(flag, dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.flag)

    def __getitem__(self, idx: int) -> int:
        return idx


@pytest.fixture
def flag_dataset() -> type[FlagDataset]:
    """The class, so that tests can build datasets with their own flags."""
    return FlagDataset
