"""mmfewshot.detection.core."""

from .evaluation import (
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
