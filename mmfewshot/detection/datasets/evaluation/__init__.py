"""Detection metrics: VOC mAP, proposal recall, box overlaps and the pycocotools glue."""

from .bbox_overlaps import bbox_overlaps
from .coco_eval import COCO_METRIC_NAMES, evaluate_coco_split
from .mean_ap import average_precision, eval_map, print_map_summary, tpfp_default
from .recall import eval_recalls, print_recall_summary

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
