"""Concatenation, repetition and class balancing of datasets (the 0.x wrapper configs).

mmengine's wrappers of the same names only accept ``mmengine.dataset.BaseDataset``;
these accept the few-shot datasets of both tasks (any indexable dataset) and
keep the 0.x attributes that samplers and evaluation use: ``CLASSES``, ``flag``
(aspect-ratio groups) and ``get_cat_ids``. The three classes are small and
used together, so they share one file.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from torch.utils.data import Dataset

from mmfewshot.registry import DATASETS


def _cat_ids(dataset: Any, idx: int) -> list[int]:
    """Categories of item ``idx``: ``get_cat_ids`` if defined, else its ``gt_label``."""
    if hasattr(dataset, 'get_cat_ids'):
        return [int(c) for c in dataset.get_cat_ids(idx)]
    if hasattr(dataset, 'data_infos'):
        return [int(dataset.data_infos[idx]['gt_label'])]
    raise TypeError(
        f'{type(dataset).__name__} has neither get_cat_ids(idx) nor data_infos with gt_label; '
        'class balancing needs the categories of each item'
    )


@DATASETS.register_module()
class ConcatDataset(Dataset):
    """Concatenates datasets; ``CLASSES`` are those of the first one.

    Args:
        datasets: The datasets, in order.
    """

    def __init__(self, datasets: Sequence[Any]) -> None:
        super().__init__()
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError('ConcatDataset needs at least one dataset; list them in datasets=')
        self.CLASSES = getattr(self.datasets[0], 'CLASSES', None)
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()
        if all(hasattr(d, 'flag') for d in self.datasets):
            self.flag = np.concatenate([np.asarray(d.flag) for d in self.datasets])

    def _locate(self, idx: int) -> tuple[Any, int]:
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(f'index {idx} is out of range for {len(self)} items')
        part = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[part - 1] if part else 0
        return self.datasets[part], idx - start

    def get_cat_ids(self, idx: int) -> list[int]:
        """Categories of item ``idx``."""
        dataset, inner = self._locate(idx)
        return _cat_ids(dataset, inner)

    def __getitem__(self, idx: int) -> Any:
        dataset, inner = self._locate(idx)
        return dataset[inner]

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1])


@DATASETS.register_module()
class RepeatDataset(Dataset):
    """Repeats a dataset ``times`` times (item ``i`` is ``dataset[i % len(dataset)]``).

    Args:
        dataset: The dataset.
        times: Number of repetitions, at least 1.
    """

    def __init__(self, dataset: Any, times: int) -> None:
        super().__init__()
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f'RepeatDataset times={times!r} must be an integer >= 1')
        self.dataset = dataset
        self.times = times
        self.CLASSES = getattr(dataset, 'CLASSES', None)
        self._ori_len = len(dataset)
        if hasattr(dataset, 'flag'):
            self.flag = np.tile(np.asarray(dataset.flag), times)

    def get_cat_ids(self, idx: int) -> list[int]:
        """Categories of item ``idx``."""
        return _cat_ids(self.dataset, idx % self._ori_len)

    def __getitem__(self, idx: int) -> Any:
        return self.dataset[idx % self._ori_len]

    def __len__(self) -> int:
        return self.times * self._ori_len


@DATASETS.register_module()
class ClassBalancedDataset(Dataset):
    """Repeats the items of rare categories (repeat factor sampling, Gupta et al. 2019).

    With ``f(c)`` the fraction of items that contain category ``c``, category
    ``c`` has the factor ``r(c) = max(1, sqrt(oversample_thr / f(c)))`` and an
    item the largest factor of its categories (items without categories count
    as one extra background category). Item ``i`` appears ``ceil(r(i))`` times.

    Args:
        dataset: The dataset; its items' categories come from
            ``get_cat_ids(idx)`` or, for classification, ``data_infos[idx]['gt_label']``.
        oversample_thr: Frequency below which a category is oversampled.
    """

    def __init__(self, dataset: Any, oversample_thr: float) -> None:
        super().__init__()
        if not oversample_thr > 0:
            raise ValueError(f'ClassBalancedDataset oversample_thr={oversample_thr} must be > 0')
        self.dataset = dataset
        self.oversample_thr = float(oversample_thr)
        self.CLASSES = getattr(dataset, 'CLASSES', None)
        factors = self._repeat_factors()
        self.repeat_indices = [i for i, f in enumerate(factors) for _ in range(math.ceil(f))]
        if hasattr(dataset, 'flag'):
            self.flag = np.asarray(dataset.flag)[self.repeat_indices]

    def _repeat_factors(self) -> list[float]:
        background = -1
        cats = [set(_cat_ids(self.dataset, i)) or {background} for i in range(len(self.dataset))]
        counts: dict[int, int] = defaultdict(int)
        for item_cats in cats:
            for c in item_cats:
                counts[c] += 1
        total = len(cats)
        cat_factor = {
            c: max(1.0, math.sqrt(self.oversample_thr / (n / total))) for c, n in counts.items()
        }
        return [max(cat_factor[c] for c in item_cats) for item_cats in cats]

    def get_cat_ids(self, idx: int) -> list[int]:
        """Categories of item ``idx``."""
        return _cat_ids(self.dataset, self.repeat_indices[idx])

    def __getitem__(self, idx: int) -> Any:
        return self.dataset[self.repeat_indices[idx]]

    def __len__(self) -> int:
        return len(self.repeat_indices)
