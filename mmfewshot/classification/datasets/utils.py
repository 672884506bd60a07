"""Label helpers of the few-shot classification datasets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import torch

LabelsT = TypeVar('LabelsT', torch.Tensor, np.ndarray, list, tuple, int)


def label_wrapper(labels: LabelsT, class_ids: Sequence[int] | np.ndarray | torch.Tensor) -> LabelsT:
    """Maps dataset labels to episode labels: ``class_ids[i]`` becomes ``i``.

    Args:
        labels: Labels to map: a tensor or array of any shape, a list or tuple
            of ints, or one int.
        class_ids: The episode's class ids, distinct; their order gives the
            new labels ``0 .. N-1``.

    Returns:
        The mapped labels, of the same kind as ``labels``: a tensor keeps its
        dtype, device and shape; an array its shape (dtype int64); a list or
        tuple stays one; an int stays an int.

    Raises:
        ValueError: When ``class_ids`` repeats an id or a label is not in it.

    Examples:
        >>> label_wrapper([7, 3, 7], [3, 7])
        [1, 0, 1]
    """
    ids = np.asarray(
        class_ids.detach().cpu() if isinstance(class_ids, torch.Tensor) else class_ids,
        dtype=np.int64,
    ).reshape(-1)
    if np.unique(ids).size != ids.size:
        raise ValueError(f'class_ids {ids.tolist()} repeat an id; pass each class id once')
    if isinstance(labels, torch.Tensor):
        mapped = _map(labels.detach().cpu().numpy(), ids)
        return torch.as_tensor(mapped, dtype=labels.dtype, device=labels.device)
    if isinstance(labels, np.ndarray):
        return _map(labels, ids)
    if isinstance(labels, list | tuple):
        out = _map(np.asarray(labels, dtype=np.int64), ids).tolist()
        return type(labels)(out)
    if isinstance(labels, int | np.integer):
        return int(_map(np.asarray([labels], dtype=np.int64), ids)[0])
    raise TypeError(
        f'labels must be a tensor, an array, a list/tuple of ints or an int, '
        f'got {type(labels).__name__}'
    )


def _map(labels: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of ``labels`` in ``ids`` (int64, same shape as ``labels``)."""
    flat = np.asarray(labels).astype(np.int64).reshape(-1)
    order = np.argsort(ids)
    pos = np.searchsorted(ids[order], flat)
    pos = np.clip(pos, 0, max(ids.size - 1, 0))
    found = ids.size > 0 and ids[order][pos] == flat
    missing = flat[~found] if ids.size else flat
    if missing.size:
        raise ValueError(
            f'label {int(missing[0])} is not among class_ids {ids.tolist()}; pass the class ids '
            'of the episode the labels come from'
        )
    return order[pos].reshape(np.shape(labels))
