"""Proposal recall at several proposal budgets and IoU thresholds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mmengine.logging import MMLogger, print_log
from terminaltables import AsciiTable

from .bbox_overlaps import as_boxes, bbox_overlaps


def _greedy_match_ious(ious: np.ndarray) -> np.ndarray:
    """One-to-one greedy matching: repeatedly takes the best remaining (gt, proposal) pair.

    Args:
        ious: IoUs, shape (num_gts, num_proposals).

    Returns:
        The IoU each ground-truth box got, shape (num_gts,) (0 when unmatched).
    """
    ious = ious.astype(np.float64, copy=True)
    matched = np.zeros(ious.shape[0])
    if ious.size == 0:
        return matched
    for _ in range(min(ious.shape)):
        g, p = np.unravel_index(np.argmax(ious), ious.shape)
        if ious[g, p] < 0:
            break
        matched[g] = ious[g, p]
        ious[g, :] = -1
        ious[:, p] = -1
    return matched


def eval_recalls(
    gts: Sequence[np.ndarray],
    proposals: Sequence[np.ndarray],
    proposal_nums: int | Sequence[int] = (100, 300, 1000),
    iou_thrs: float | Sequence[float] = 0.5,
    logger: MMLogger | str | None = None,
    use_legacy_coordinate: bool = False,
) -> np.ndarray:
    """Fraction of ground-truth boxes covered by the top proposals of each image.

    For each image the proposals are sorted by score (when they have a fifth
    column) and the first ``n`` are matched one-to-one to the ground truth,
    best IoU first; a box counts as recalled when its IoU reaches the threshold.

    Args:
        gts: Per image the ground-truth boxes, shape (m, 4).
        proposals: Per image the proposals, shape (n, 4) or (n, 5).
        proposal_nums: Proposal budgets.
        iou_thrs: IoU thresholds.
        logger: Where the table goes (``'silent'`` prints nothing).
        use_legacy_coordinate: Pixel-inclusive box sizes (VOC devkit).

    Returns:
        Recalls, shape (len(proposal_nums), len(iou_thrs)).
    """
    if len(gts) != len(proposals):
        raise ValueError(
            f'got proposals for {len(proposals)} images but ground truth for {len(gts)}; '
            'give one proposal array per image'
        )
    nums = np.atleast_1d(np.asarray(proposal_nums, dtype=np.int64))
    thrs = np.atleast_1d(np.asarray(iou_thrs, dtype=np.float64))
    total_gts = 0
    recalled = np.zeros((len(nums), len(thrs)), dtype=np.float64)
    for gt, props in zip(gts, proposals, strict=True):
        gt_boxes = as_boxes(gt)
        props = np.asarray(props, dtype=np.float32)
        props = props.reshape(-1, props.shape[-1]) if props.size else np.zeros((0, 4), np.float32)
        if props.shape[1] == 5:
            props = props[np.argsort(-props[:, 4], kind='stable')]
        total_gts += len(gt_boxes)
        ious = bbox_overlaps(
            gt_boxes, props[: int(nums.max())], use_legacy_coordinate=use_legacy_coordinate
        )
        for i, num in enumerate(nums):
            best = _greedy_match_ious(ious[:, : int(num)])
            recalled[i] += (best[:, None] >= thrs[None, :]).sum(axis=0)
    recalls = recalled / max(total_gts, 1)
    print_recall_summary(recalls, nums, thrs, logger=logger)
    return recalls


def print_recall_summary(
    recalls: np.ndarray,
    proposal_nums: Sequence[int] | np.ndarray,
    iou_thrs: Sequence[float] | np.ndarray,
    logger: MMLogger | str | None = None,
) -> None:
    """Logs recalls as a table: one row per proposal budget, one column per IoU threshold."""
    if logger == 'silent':
        return
    rows = [['', *[f'{thr:.2f}' for thr in iou_thrs]]]
    for i, num in enumerate(proposal_nums):
        rows.append([str(int(num)), *[f'{recalls[i, j]:.3f}' for j in range(len(iou_thrs))]])
    print_log('\n' + AsciiTable(rows).table, logger=logger)
