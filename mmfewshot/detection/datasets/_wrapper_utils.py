"""Helpers shared by the detection dataset wrappers (query-aware, N-way K-shot, two-branch)."""

from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


def dataset_labels(dataset: Any, idx: int) -> np.ndarray:
    """Returns the gt labels of item ``idx`` as an int64 array of shape (n,)."""
    return np.asarray(dataset.get_ann_info(idx)['labels'], dtype=np.int64).reshape(-1)


def image_key(dataset: Any, idx: int) -> str | int:
    """Identifies the image of item ``idx`` (its filename when the dataset has infos)."""
    infos = getattr(dataset, 'data_infos', None)
    if infos is not None:
        info = infos[idx]
        name = info.get('filename') if isinstance(info, dict) else None
        if name is not None:
            return str(name)
    return int(idx)


def check_positive(name: str, value: Any) -> int:
    """Checks that a wrapper argument is a positive integer and returns it.

    Raises:
        ValueError: When ``value`` is not a positive integer.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f'{name}={value!r} must be a positive integer; set {name} in the config')
    return int(value)


def check_ways(num_support_ways: int, classes: Sequence[str], wrapper: str) -> None:
    """Checks that the dataset has at least ``num_support_ways`` classes.

    Raises:
        ValueError: When there are fewer classes than ways.
    """
    if num_support_ways > len(classes):
        raise ValueError(
            f'{wrapper}: num_support_ways={num_support_ways} is larger than the '
            f'{len(classes)} classes of the dataset; set num_support_ways to at most '
            f'{len(classes)} or add classes'
        )


def check_no_empty_class(
    counts: Sequence[int],
    classes: Sequence[str],
    wrapper: str,
    num_support_ways: int,
    num_support_shots: int,
) -> None:
    """Checks that every class has at least one support instance.

    Raises:
        ValueError: Naming the first class without any support instance.
    """
    for class_id, count in enumerate(counts):
        if count == 0:
            raise ValueError(
                f'{wrapper}: the support set has no instance of class '
                f"'{classes[class_id]}' (id {class_id}), so it cannot give "
                f'num_support_ways={num_support_ways} x num_support_shots={num_support_shots} '
                'supports; add annotations of that class to the support dataset '
                'or remove it from `classes`'
            )


def tagged_path(output_path: str, tag: str) -> str:
    """Inserts ``tag`` before the extension: ``a/x.json`` -> ``a/x.{tag}.json``."""
    root, ext = osp.splitext(output_path)
    return f'{root}.{tag}{ext}'


def fill_shots(rng: np.random.Generator, num_candidates: int, num_shots: int) -> list[int]:
    """Draws ``num_shots`` candidate positions, without repeats while possible.

    With fewer candidates than shots, whole random permutations are chained
    so that each candidate is used at most ``ceil(num_shots / num_candidates)``
    times.

    Returns:
        Positions in ``[0, num_candidates)``, length ``num_shots``.
    """
    assert num_candidates > 0
    if num_candidates >= num_shots:
        return [int(i) for i in rng.choice(num_candidates, num_shots, replace=False)]
    picked: list[int] = []
    while len(picked) < num_shots:
        picked.extend(int(i) for i in rng.permutation(num_candidates))
    return picked[:num_shots]


class DetectionDatasetLike(Protocol):
    """What the wrappers use of a detection dataset (e.g. ``BaseFewShotDataset``)."""

    CLASSES: Sequence[str]

    def __len__(self) -> int: ...

    def get_ann_info(self, idx: int) -> dict: ...

    def prepare_train_img(
        self, idx: int, pipeline_key: str | None = None, gt_idx: list[int] | None = None
    ) -> Any: ...

    def save_data_infos(self, output_path: str) -> None: ...
