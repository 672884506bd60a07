"""Pairwise IoU / IoF of axis-aligned boxes in NumPy (the metric-side twin of ``box_iou``)."""

from __future__ import annotations

import numpy as np


def as_boxes(boxes: np.ndarray) -> np.ndarray:
    """The first four columns of ``boxes`` as float32, shape (n, 4) (also for empty input)."""
    arr = np.asarray(boxes, dtype=np.float32)
    if arr.size == 0:
        return np.zeros((0, 4), dtype=np.float32)
    return arr.reshape(-1, arr.shape[-1])[:, :4]


def bbox_overlaps(
    bboxes1: np.ndarray,
    bboxes2: np.ndarray,
    mode: str = 'iou',
    eps: float = 1e-6,
    use_legacy_coordinate: bool = False,
) -> np.ndarray:
    """Overlaps between every box of ``bboxes1`` and every box of ``bboxes2``.

    Args:
        bboxes1: Boxes ``x1, y1, x2, y2``, shape (n, 4) (extra columns are ignored).
        bboxes2: Boxes, shape (m, 4).
        mode: ``'iou'`` (intersection over union) or ``'iof'`` (intersection
            over the area of the ``bboxes1`` box).
        eps: Lower bound of the denominator.
        use_legacy_coordinate: Pixel-inclusive boxes as in the VOC devkit: a box
            is ``x2 - x1 + 1`` wide.

    Returns:
        Overlaps, shape (n, m), float32.
    """
    if mode not in ('iou', 'iof'):
        raise ValueError(f"mode={mode!r} is not supported; use 'iou' or 'iof'")
    b1, b2 = as_boxes(bboxes1), as_boxes(bboxes2)
    if len(b1) == 0 or len(b2) == 0:
        return np.zeros((len(b1), len(b2)), dtype=np.float32)
    extra = 1.0 if use_legacy_coordinate else 0.0
    area1 = (b1[:, 2] - b1[:, 0] + extra) * (b1[:, 3] - b1[:, 1] + extra)
    area2 = (b2[:, 2] - b2[:, 0] + extra) * (b2[:, 3] - b2[:, 1] + extra)
    lt = np.maximum(b1[:, None, :2], b2[None, :, :2])
    rb = np.minimum(b1[:, None, 2:], b2[None, :, 2:])
    wh = np.clip(rb - lt + extra, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    if mode == 'iou':
        union = area1[:, None] + area2[None, :] - inter
    else:
        union = np.broadcast_to(area1[:, None], inter.shape)
    return (inter / np.maximum(union, eps)).astype(np.float32)
