"""Helpers shared by the episodic heads and classifiers: class ids, label maps, prototypes."""

from __future__ import annotations

import torch
from torch import Tensor


def episode_class_ids(labels: Tensor) -> Tensor:
    """Returns the classes present in an episode, sorted ascending.

    Args:
        labels: Support labels (any class ids), shape (N*K,).

    Returns:
        The sorted unique class ids, shape (N,). Column ``i`` of every
        episodic score matrix refers to ``class_ids[i]``.
    """
    return torch.unique(labels.reshape(-1), sorted=True)


def map_labels(labels: Tensor, class_ids: Tensor) -> Tensor:
    """Maps class ids to their positions in ``class_ids`` (episode labels in [0, N)).

    Args:
        labels: Class ids to map, shape (B,).
        class_ids: The episode's classes, shape (N,).

    Returns:
        Episode labels, shape (B,), dtype int64.

    Raises:
        ValueError: If a label is not one of ``class_ids``.
    """
    labels = labels.reshape(-1).to(class_ids.device)
    matches = labels[:, None] == class_ids[None, :]  # (B, N)
    found = matches.any(dim=1)
    if not bool(found.all()):
        missing = sorted(set(labels[~found].tolist()))
        raise ValueError(
            f'labels {missing} are not among the support classes {class_ids.tolist()}; '
            'every query label must be the label of at least one support sample'
        )
    return matches.long().argmax(dim=1)


def compute_prototypes(feats: Tensor, labels: Tensor, class_ids: Tensor | None = None) -> Tensor:
    """Averages the features of each class.

    Args:
        feats: Support features, shape (N*K, D) or (N*K, C, H, W).
        labels: Support labels, shape (N*K,).
        class_ids: Classes to average, shape (N,); the sorted unique labels if None.

    Returns:
        Class means in the order of ``class_ids``, shape (N, D) or (N, C, H, W).
    """
    if class_ids is None:
        class_ids = episode_class_ids(labels)
    labels = labels.reshape(-1).to(feats.device)
    one_hot = (labels[None, :] == class_ids.to(feats.device)[:, None]).to(feats.dtype)  # (N, N*K)
    counts = one_hot.sum(dim=1).clamp(min=1)
    flat = feats.reshape(feats.size(0), -1)
    means = one_hot @ flat / counts[:, None]
    return means.reshape(class_ids.numel(), *feats.shape[1:])
