"""COCO-style evaluation through pycocotools, restricted to a class split and keyed by its name."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence

import numpy as np
from mmengine.logging import MMLogger, print_log
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from terminaltables import AsciiTable

# Index of each summary value in ``COCOeval.stats`` (bbox / proposal).
COCO_METRIC_NAMES = {
    'mAP': 0,
    'mAP_50': 1,
    'mAP_75': 2,
    'mAP_s': 3,
    'mAP_m': 4,
    'mAP_l': 5,
    'AR@100': 6,
    'AR@300': 7,
    'AR@1000': 8,
    'AR_s@1000': 9,
    'AR_m@1000': 10,
    'AR_l@1000': 11,
}
DEFAULT_BBOX_ITEMS = ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')
DEFAULT_PROPOSAL_ITEMS = ('AR@100', 'AR@300', 'AR@1000', 'AR_s@1000', 'AR_m@1000', 'AR_l@1000')


def quiet_coco(dataset: dict) -> COCO:
    """Builds a pycocotools :class:`COCO` from an in-memory dict without its stdout chatter."""
    coco = COCO()
    coco.dataset = dataset
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def load_coco_results(coco_gt: COCO, detections: list[dict]) -> COCO:
    """``coco_gt.loadRes`` on a list of result dicts, without stdout chatter."""
    with contextlib.redirect_stdout(io.StringIO()):
        return coco_gt.loadRes(detections)


def evaluate_coco_split(
    coco_gt: COCO,
    coco_dt: COCO,
    metric: str,
    img_ids: Sequence[int],
    cat_ids: Sequence[int],
    proposal_nums: Sequence[int] = (100, 300, 1000),
    iou_thrs: Sequence[float] | np.ndarray | None = None,
    metric_items: Sequence[str] | None = None,
    classwise: bool = False,
    prefix: str = '',
    logger: MMLogger | str | None = None,
) -> dict[str, float | str]:
    """Runs :class:`COCOeval` on ``cat_ids`` and returns the summary values by name.

    Args:
        coco_gt: Ground truth.
        coco_dt: Results (``coco_gt.loadRes(...)``).
        metric: ``'bbox'`` (keys ``{prefix}bbox_{item}``) or ``'proposal'``
            (class-agnostic, keys ``{prefix}{item}``).
        img_ids: Images evaluated.
        cat_ids: Categories evaluated (e.g. the novel classes of a split).
        proposal_nums: ``maxDets`` of COCOeval; the AR items name them.
        iou_thrs: IoU thresholds (default 0.50:0.05:0.95).
        metric_items: Summary values to return (see :data:`COCO_METRIC_NAMES`).
        classwise: Also log a per-class AP table (bbox only).
        prefix: Prepended to every key, e.g. ``'NOVEL_CLASSES '``.
        logger: Where the summary goes.

    Returns:
        Values rounded to 3 decimals, plus ``{prefix}bbox_mAP_copypaste`` for bbox.
    """
    if metric not in ('bbox', 'proposal'):
        raise ValueError(f"metric={metric!r} is not supported here; use 'bbox' or 'proposal'")
    if iou_thrs is None:
        iou_thrs = np.linspace(0.5, 0.95, 10)
    default_items = DEFAULT_BBOX_ITEMS if metric == 'bbox' else DEFAULT_PROPOSAL_ITEMS
    items = list(metric_items) if metric_items is not None else list(default_items)
    for item in items:
        if item not in COCO_METRIC_NAMES:
            raise KeyError(
                f'metric item {item!r} is not supported; use some of {list(COCO_METRIC_NAMES)}'
            )
    coco_eval = COCOeval(coco_gt, coco_dt, 'bbox')
    coco_eval.params.catIds = list(cat_ids)
    coco_eval.params.imgIds = list(img_ids)
    coco_eval.params.maxDets = [int(n) for n in proposal_nums]
    coco_eval.params.iouThrs = np.asarray(iou_thrs, dtype=np.float64)
    if metric == 'proposal':
        coco_eval.params.useCats = 0
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        coco_eval.evaluate()
        coco_eval.accumulate()
        coco_eval.summarize()
    print_log(f'\n{prefix}{metric}:\n{buffer.getvalue()}', logger=logger)
    out: dict[str, float | str] = {}
    key_prefix = prefix if metric == 'proposal' else f'{prefix}bbox_'
    for item in items:
        out[f'{key_prefix}{item}'] = float(f'{coco_eval.stats[COCO_METRIC_NAMES[item]]:.3f}')
    if metric == 'bbox':
        if classwise:
            _log_classwise(coco_gt, coco_eval, cat_ids, prefix, logger)
        out[f'{prefix}bbox_mAP_copypaste'] = ' '.join(f'{v:.3f}' for v in coco_eval.stats[:6])
    return out


def _log_classwise(
    coco_gt: COCO,
    coco_eval: COCOeval,
    cat_ids: Sequence[int],
    prefix: str,
    logger: MMLogger | str | None,
) -> None:
    # precision: (iou thresholds, recall thresholds, classes, area ranges, max dets)
    precisions = coco_eval.eval['precision']
    pairs = []
    for k, cat_id in enumerate(cat_ids):
        values = precisions[:, :, k, 0, -1]
        values = values[values > -1]
        ap = float(np.mean(values)) if values.size else float('nan')
        pairs += [str(coco_gt.loadCats(cat_id)[0]['name']), f'{ap:0.3f}']
    if not pairs:
        return
    columns = min(6, len(pairs))
    rows = [['category', 'AP'] * (columns // 2)]
    for start in range(0, len(pairs), columns):
        row = pairs[start : start + columns]
        rows.append(row + [''] * (columns - len(row)))
    print_log(f'\n{prefix}per-class bbox AP:\n' + AsciiTable(rows).table, logger=logger)
