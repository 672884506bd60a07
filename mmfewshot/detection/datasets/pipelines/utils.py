"""Helpers shared by the detection transforms (single-instance and multi-scale checks)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmfewshot.transforms.utils import require_key


def check_results_list(results_list: Any, transform: str, expected: int | None = None) -> None:
    """Raises one clear line unless ``results_list`` is a list of dicts (of ``expected`` length)."""
    if not isinstance(results_list, list) or not all(isinstance(r, dict) for r in results_list):
        raise TypeError(
            f'{transform} expects a list of results dicts (one per scale), got '
            f'{type(results_list).__name__}; put ResizeToMultiScale before it'
        )
    if expected is not None and len(results_list) != expected:
        raise ValueError(
            f'{transform} has {expected} crop sizes but got {len(results_list)} scales; give one '
            'crop size per scale of ResizeToMultiScale'
        )


def single_box(results: dict[str, Any], transform: str) -> np.ndarray:
    """Returns the only ground-truth box of ``results``, shape (4,), or raises one clear line."""
    bboxes = require_key(
        results, 'gt_bboxes', transform, 'put LoadAnnotations(with_bbox=True) first'
    )
    if len(bboxes) != 1:
        raise ValueError(
            f'{transform} needs exactly one gt box per image, got {len(bboxes)} (image '
            f'{results.get("filename", "?")}); build the dataset with instance_wise=True'
        )
    return bboxes[0]
