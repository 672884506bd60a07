"""Detection evaluation, at its documented path ``mmfewshot.detection.core``.

The metric functions live with the datasets that call them
(:mod:`mmfewshot.detection.datasets.evaluation`), so that datasets never
import from this higher layer; they are re-exported here.
"""

from mmfewshot.detection.datasets.evaluation import (
    COCO_METRIC_NAMES,
    average_precision,
    bbox_overlaps,
    eval_map,
    eval_recalls,
    evaluate_coco_split,
    print_map_summary,
    print_recall_summary,
    tpfp_default,
)

__all__ = [
    'COCO_METRIC_NAMES',
    'average_precision',
    'bbox_overlaps',
    'eval_map',
    'eval_recalls',
    'evaluate_coco_split',
    'print_map_summary',
    'print_recall_summary',
    'tpfp_default',
]
