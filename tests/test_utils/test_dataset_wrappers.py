from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from mmfewshot.registry import DATASETS
from mmfewshot.utils.dataset_wrappers import ClassBalancedDataset, ConcatDataset, RepeatDataset


class _TinyDataset:
    """Items are ``{'gt_label': c, 'idx': i}``; ``counts[c]`` items of class ``c``, class-major."""

    def __init__(self, counts: list[int]) -> None:
        self.CLASSES = [f'class_{c}' for c in range(len(counts))]
        self.labels = [c for c, n in enumerate(counts) for _ in range(n)]
        self.flag = np.zeros(len(self.labels), dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int) -> dict:
        return {'gt_label': np.int64(self.labels[idx]), 'idx': idx}

    def get_cat_ids(self, idx: int) -> list[int]:
        return [self.labels[idx]]


Make = Callable[[list[int]], _TinyDataset]


@pytest.fixture
def tiny_fewshot_dataset() -> Make:
    return _TinyDataset


class _Flagged:
    """A detection-like dataset: ``flag`` groups and several categories per item."""

    CLASSES = ('a', 'b', 'c')

    def __init__(self) -> None:
        self.cats = [[0], [0, 1], [], [2], [0]]
        self.flag = np.array([0, 1, 1, 0, 1], dtype=np.uint8)

    def get_cat_ids(self, idx: int) -> list[int]:
        return self.cats[idx]

    def __getitem__(self, idx: int) -> int:
        return idx

    def __len__(self) -> int:
        return 5


def test_concat_dataset(tiny_fewshot_dataset: Make) -> None:
    a, b = tiny_fewshot_dataset([2, 1]), tiny_fewshot_dataset([1, 1, 1])
    concat = ConcatDataset([a, b])
    assert len(concat) == 6
    assert concat.CLASSES == a.CLASSES
    # (source index, label): a's three items, then b's
    assert [(concat[i]['idx'], int(concat[i]['gt_label'])) for i in range(6)] == [
        (0, 0),
        (1, 0),
        (2, 1),
        (0, 0),
        (1, 1),
        (2, 2),
    ]
    assert concat[-1] == b[2]
    assert [concat.get_cat_ids(i) for i in range(6)] == [[0], [0], [1], [0], [1], [2]]
    with pytest.raises(IndexError, match='index 6 is out of range for 6 items'):
        concat[6]
    with pytest.raises(ValueError, match='needs at least one dataset'):
        ConcatDataset([])
    flagged = ConcatDataset([_Flagged(), _Flagged()])
    np.testing.assert_array_equal(flagged.flag, [0, 1, 1, 0, 1] * 2)


def test_repeat_dataset(tiny_fewshot_dataset: Make) -> None:
    base = tiny_fewshot_dataset([2, 1])
    repeated = RepeatDataset(base, times=3)
    assert len(repeated) == 9
    assert repeated.CLASSES == base.CLASSES
    assert repeated[7] == base[1]
    assert repeated.get_cat_ids(5) == [1]
    np.testing.assert_array_equal(RepeatDataset(_Flagged(), 2).flag, [0, 1, 1, 0, 1] * 2)
    with pytest.raises(ValueError, match='times=0 must be an integer >= 1'):
        RepeatDataset(base, 0)


def test_class_balanced_dataset_by_hand(tiny_fewshot_dataset: Make) -> None:
    # 8 images of class 0 (f = 0.8), 2 of class 1 (f = 0.2); thr 0.5:
    # r(0) = max(1, sqrt(0.5 / 0.8)) = 1, r(1) = sqrt(2.5) = 1.58 -> each twice.
    base = tiny_fewshot_dataset([8, 2])
    balanced = ClassBalancedDataset(base, oversample_thr=0.5)
    assert balanced.repeat_indices == [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9]
    assert len(balanced) == 12
    assert balanced[10] == base[9]
    assert balanced.get_cat_ids(11) == [1]


def test_class_balanced_dataset_multi_label_and_background() -> None:
    # Frequencies: cat0 3/5, cat1 1/5, cat2 1/5, background 1/5. thr 0.4:
    # r(cat0) = 1, r(cat1) = r(cat2) = r(bg) = sqrt(2) -> items 1, 2 and 3 twice.
    balanced = ClassBalancedDataset(_Flagged(), 0.4)
    assert math.ceil(math.sqrt(0.4 / 0.2)) == 2
    assert balanced.repeat_indices == [0, 1, 1, 2, 2, 3, 3, 4]
    np.testing.assert_array_equal(balanced.flag, [0, 1, 1, 1, 1, 0, 0, 1])
    with pytest.raises(ValueError, match='oversample_thr=0 must be > 0'):
        ClassBalancedDataset(_Flagged(), 0)
    with pytest.raises(TypeError, match='neither get_cat_ids'):
        ClassBalancedDataset([1, 2], 0.5)


def test_generic_wrappers_are_the_registered_ones() -> None:
    assert DATASETS.get('ConcatDataset') is ConcatDataset
    assert DATASETS.get('RepeatDataset') is RepeatDataset
    assert DATASETS.get('ClassBalancedDataset') is ClassBalancedDataset
