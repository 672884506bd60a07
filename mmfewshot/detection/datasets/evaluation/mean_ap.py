"""PASCAL VOC mean average precision (VOC07 11-point or area under the PR curve).

The matching rule is the VOC devkit's: detections of a class are taken in
decreasing score order; each is matched to the ground-truth box it overlaps
most; it is a true positive when that overlap reaches ``iou_thr`` and the box
is not yet taken, a false positive otherwise, and neither when the box is
ignored (difficult, crowd, or outside the area range).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mmengine.logging import MMLogger, print_log
from terminaltables import AsciiTable

from .bbox_overlaps import as_boxes, bbox_overlaps

AreaRanges = Sequence[tuple[float | None, float | None]]
TPFPFn = Callable[..., tuple[np.ndarray, np.ndarray]]


def average_precision(
    recalls: np.ndarray, precisions: np.ndarray, mode: str = 'area'
) -> np.ndarray | float:
    """Average precision of one or several precision/recall curves.

    ``'area'``: area under the curve whose precision is made monotonically
    decreasing (VOC2010+). ``'11points'``: mean over the recall thresholds
    0, 0.1, ..., 1 of the best precision at a recall >= the threshold (VOC2007).
    The thresholds are ``k / 10`` exactly, so a recall of exactly 0.3 counts
    for the threshold 0.3.

    Args:
        recalls: Recalls, shape (n,) or (S, n), non-decreasing along n.
        precisions: Precisions, same shape.
        mode: ``'area'`` or ``'11points'``.

    Returns:
        AP, a float for 1-d input, else shape (S,).
    """
    if mode not in ('area', '11points'):
        raise ValueError(f"mode={mode!r} is not supported; use 'area' or '11points'")
    squeeze = np.ndim(recalls) == 1
    rec = np.atleast_2d(np.asarray(recalls, dtype=np.float64))
    prec = np.atleast_2d(np.asarray(precisions, dtype=np.float64))
    ap = np.zeros(rec.shape[0], dtype=np.float64)
    for s in range(rec.shape[0]):
        if mode == 'area':
            mrec = np.concatenate([[0.0], rec[s], [1.0]])
            mpre = np.concatenate([[0.0], prec[s], [0.0]])
            mpre = np.maximum.accumulate(mpre[::-1])[::-1]
            steps = np.where(mrec[1:] != mrec[:-1])[0]
            ap[s] = np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1])
        else:
            for thr in np.arange(11) / 10:
                reached = prec[s][rec[s] >= thr]
                ap[s] += reached.max() if reached.size else 0.0
            ap[s] /= 11
    return float(ap[0]) if squeeze else ap


def _areas(boxes: np.ndarray, extra: float) -> np.ndarray:
    return (boxes[:, 2] - boxes[:, 0] + extra) * (boxes[:, 3] - boxes[:, 1] + extra)


def tpfp_default(
    det_bboxes: np.ndarray,
    gt_bboxes: np.ndarray,
    gt_bboxes_ignore: np.ndarray | None = None,
    iou_thr: float = 0.5,
    area_ranges: AreaRanges | None = None,
    use_legacy_coordinate: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Marks the detections of one class in one image as true or false positives.

    Args:
        det_bboxes: Detections ``x1, y1, x2, y2, score``, shape (n, 5).
        gt_bboxes: Ground-truth boxes, shape (m, 4).
        gt_bboxes_ignore: Ignored ground-truth boxes, shape (k, 4).
        iou_thr: IoU needed for a match.
        area_ranges: ``[(min_area, max_area), ...]``; ``None`` is one unbounded range.
        use_legacy_coordinate: Pixel-inclusive box sizes (``x2 - x1 + 1``).

    Returns:
        ``(tp, fp)``, each of shape (S, n) with S the number of area ranges.
    """
    extra = 1.0 if use_legacy_coordinate else 0.0
    dets = np.asarray(det_bboxes, dtype=np.float32).reshape(-1, 5)
    gts = as_boxes(gt_bboxes)
    ignored = as_boxes(gt_bboxes_ignore if gt_bboxes_ignore is not None else np.zeros((0, 4)))
    is_ignored = np.concatenate([np.zeros(len(gts), bool), np.ones(len(ignored), bool)])
    all_gts = np.vstack([gts, ignored])
    ranges: AreaRanges = area_ranges if area_ranges is not None else [(None, None)]
    tp = np.zeros((len(ranges), len(dets)), dtype=np.float32)
    fp = np.zeros((len(ranges), len(dets)), dtype=np.float32)
    det_areas = _areas(dets, extra)
    if len(all_gts) == 0:
        for k, (lo, hi) in enumerate(ranges):
            if lo is None or hi is None:
                fp[k] = 1
            else:
                fp[k, (det_areas >= lo) & (det_areas < hi)] = 1
        return tp, fp
    ious = bbox_overlaps(dets, all_gts, use_legacy_coordinate=use_legacy_coordinate)
    best_iou, best_gt = ious.max(axis=1), ious.argmax(axis=1)
    order = np.argsort(-dets[:, 4], kind='stable')
    gt_areas = _areas(all_gts, extra)
    for k, (lo, hi) in enumerate(ranges):
        taken = np.zeros(len(all_gts), dtype=bool)
        if lo is None or hi is None:
            out_of_range = np.zeros(len(all_gts), dtype=bool)
        else:
            out_of_range = (gt_areas < lo) | (gt_areas >= hi)
        for i in order:
            if best_iou[i] >= iou_thr:
                g = best_gt[i]
                if is_ignored[g] or out_of_range[g]:
                    continue
                if taken[g]:
                    fp[k, i] = 1
                else:
                    taken[g] = True
                    tp[k, i] = 1
            elif lo is None or hi is None or lo <= det_areas[i] < hi:
                fp[k, i] = 1
    return tp, fp


def _check_inputs(det_results: Sequence[Any], annotations: Sequence[dict]) -> int:
    if len(det_results) != len(annotations):
        raise ValueError(
            f'got results for {len(det_results)} images but {len(annotations)} annotations; '
            'give one result per image of the dataset, in dataset order'
        )
    if not det_results:
        raise ValueError('det_results is empty; run the model on the dataset first')
    num_classes = len(det_results[0])
    for i, res in enumerate(det_results):
        if len(res) != num_classes:
            raise ValueError(
                f'result {i} has {len(res)} class arrays, result 0 has {num_classes}; give one '
                '(n, 5) array per class for every image'
            )
    return num_classes


def eval_map(
    det_results: Sequence[Sequence[np.ndarray]],
    annotations: Sequence[dict],
    classes: Sequence[str] | None = None,
    scale_ranges: list[tuple[float, float]] | None = None,
    iou_thr: float = 0.5,
    dataset: str | Sequence[str] | None = None,
    logger: MMLogger | str | None = None,
    tpfp_fn: TPFPFn | None = None,
    nproc: int = 4,
    use_legacy_coordinate: bool = False,
    eval_mode: str | None = None,
) -> tuple[Any, list[dict]]:
    """Mean average precision of detection results, with a printed per-class table.

    Args:
        det_results: Per image, per class an array ``x1, y1, x2, y2, score`` of
            shape (n, 5).
        annotations: Per image a dict with ``bboxes`` (m, 4), ``labels`` (m,)
            and optionally ``bboxes_ignore`` (k, 4), ``labels_ignore`` (k,).
        classes: Class names for the table (default: their indices).
        scale_ranges: ``[(min_size, max_size), ...]`` box-size ranges (the
            square root of the area); ``None`` evaluates all boxes together.
        iou_thr: IoU needed for a match.
        dataset: ``'voc07'`` selects the 11-point AP; a list of names is used
            for the table when ``classes`` is ``None``.
        logger: Where the table goes (``'silent'`` prints nothing).
        tpfp_fn: Replacement of :func:`tpfp_default`, same signature.
        nproc: Unused (kept for API compatibility); evaluation runs in-process.
        use_legacy_coordinate: Pixel-inclusive box sizes (VOC devkit).
        eval_mode: ``'11points'`` or ``'area'``; ``None`` takes ``'11points'``
            for ``dataset='voc07'`` and ``'area'`` otherwise.

    Returns:
        ``(mean_ap, per_class)``: ``mean_ap`` averages the AP of the classes
        that have ground truth (an array over scale ranges when given);
        ``per_class`` holds ``num_gts``, ``num_dets``, ``recall``,
        ``precision`` and ``ap`` for every class.
    """
    del nproc
    num_classes = _check_inputs(det_results, annotations)
    if eval_mode is None:
        eval_mode = '11points' if dataset == 'voc07' else 'area'
    if classes is None and dataset is not None and not isinstance(dataset, str):
        classes = list(dataset)
    tpfp = tpfp_fn or tpfp_default
    extra = 1.0 if use_legacy_coordinate else 0.0
    area_ranges = [(lo**2, hi**2) for lo, hi in scale_ranges] if scale_ranges is not None else None
    num_scales = len(scale_ranges) if scale_ranges is not None else 1
    results = []
    for c in range(num_classes):
        dets, tps, fps = [], [], []
        num_gts = np.zeros(num_scales, dtype=np.int64)
        for res, ann in zip(det_results, annotations, strict=True):
            det = np.asarray(res[c], dtype=np.float32).reshape(-1, 5)
            labels = np.asarray(ann['labels']).reshape(-1)
            gt = as_boxes(ann['bboxes'])[labels == c]
            ig_labels = np.asarray(ann.get('labels_ignore', np.zeros(0))).reshape(-1)
            ig = as_boxes(ann.get('bboxes_ignore', np.zeros((0, 4))))[ig_labels == c]
            tp, fp = tpfp(det, gt, ig, iou_thr, area_ranges, use_legacy_coordinate)
            dets.append(det)
            tps.append(tp)
            fps.append(fp)
            if area_ranges is None:
                num_gts[0] += len(gt)
            else:
                areas = _areas(gt, extra)
                for k, (lo, hi) in enumerate(area_ranges):
                    num_gts[k] += int(np.sum((areas >= lo) & (areas < hi)))
        all_dets = np.vstack(dets)
        order = np.argsort(-all_dets[:, 4], kind='stable')
        tp_cum = np.cumsum(np.hstack(tps)[:, order], axis=1)
        fp_cum = np.cumsum(np.hstack(fps)[:, order], axis=1)
        eps = np.finfo(np.float32).eps
        recall = tp_cum / np.maximum(num_gts[:, None], eps)
        precision = tp_cum / np.maximum(tp_cum + fp_cum, eps)
        if num_scales == 1:
            recall, precision = recall[0], precision[0]
        results.append(
            {
                'num_gts': int(num_gts[0]) if num_scales == 1 else num_gts,
                'num_dets': len(all_dets),
                'recall': recall,
                'precision': precision,
                'ap': average_precision(recall, precision, eval_mode),
            }
        )
    mean_ap = _mean_ap(results, num_scales)
    print_map_summary(mean_ap, results, classes, scale_ranges, logger)
    return mean_ap, results


def _mean_ap(results: list[dict], num_scales: int) -> Any:
    if num_scales == 1:
        aps = [r['ap'] for r in results if r['num_gts'] > 0]
        return float(np.mean(aps)) if aps else 0.0
    all_ap = np.vstack([r['ap'] for r in results])
    all_gts = np.vstack([r['num_gts'] for r in results])
    mean = np.zeros(num_scales)
    for k in range(num_scales):
        has_gt = all_gts[:, k] > 0
        mean[k] = all_ap[has_gt, k].mean() if has_gt.any() else 0.0
    return mean


def print_map_summary(
    mean_ap: Any,
    results: list[dict],
    classes: Sequence[str] | None = None,
    scale_ranges: list[tuple[float, float]] | None = None,
    logger: MMLogger | str | None = None,
) -> None:
    """Logs a table of ground truths, detections, final recall and AP per class."""
    if logger == 'silent':
        return
    num_scales = len(scale_ranges) if scale_ranges is not None else 1
    names = list(classes) if classes is not None else [str(i) for i in range(len(results))]
    means = np.atleast_1d(mean_ap)
    for k in range(num_scales):
        rows = [['class', 'gts', 'dets', 'recall', 'ap']]
        for name, res in zip(names, results, strict=True):
            recall = np.atleast_2d(res['recall'])[k]
            gts = np.atleast_1d(res['num_gts'])[k]
            ap = np.atleast_1d(res['ap'])[k]
            last = recall[-1] if recall.size else 0.0
            rows.append([name, str(int(gts)), str(res['num_dets']), f'{last:.3f}', f'{ap:.3f}'])
        rows.append(['mAP', '', '', '', f'{means[k]:.3f}'])
        table = AsciiTable(rows)
        table.inner_footing_row_border = True
        header = f'Scale range {scale_ranges[k]}\n' if scale_ranges is not None else ''
        print_log('\n' + header + table.table, logger=logger)
