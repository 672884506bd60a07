"""LoadAnnotations: copies boxes and labels from ``ann_info`` into the results (mmdet 2.x)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import require_key


def _as_boxes(value: Any, key: str) -> np.ndarray:
    boxes = np.array(value, dtype=np.float32, copy=True)
    if boxes.size == 0:
        return boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(
            f"ann_info['{key}'] has shape {boxes.shape}; boxes must be an (n, 4) array of "
            'x1, y1, x2, y2'
        )
    return boxes


@TRANSFORMS.register_module()
class LoadAnnotations:
    """Loads ``gt_bboxes`` (+ ``gt_bboxes_ignore``) and ``gt_labels`` from ``results['ann_info']``.

    Boxes become float32 ``(n, 4)`` copies (the dataset's infos are never
    modified) and their keys are appended to ``bbox_fields``. Instance masks and
    semantic maps are not supported by this package: ``with_mask`` / ``with_seg``
    raise at construction.

    Args:
        with_bbox: Load ``ann_info['bboxes']`` (and ``bboxes_ignore`` when present).
        with_label: Load ``ann_info['labels']``.
        with_mask: Must be ``False``.
        with_seg: Must be ``False``.
        poly2mask: Accepted for mmdet compatibility; unused.
        denorm_bbox: Boxes are given in ``[0, 1]`` and are multiplied by the image size.
        file_client_args: Accepted for mmdet compatibility; unused.
    """

    def __init__(
        self,
        with_bbox: bool = True,
        with_label: bool = True,
        with_mask: bool = False,
        with_seg: bool = False,
        poly2mask: bool = True,
        denorm_bbox: bool = False,
        file_client_args: dict[str, Any] | None = None,
    ) -> None:
        if with_mask or with_seg:
            raise ValueError(
                'LoadAnnotations(with_mask/with_seg=True): instance masks and semantic maps are '
                'not supported by mmfewshot; set with_mask=False and with_seg=False'
            )
        self.with_bbox = with_bbox
        self.with_label = with_label
        self.with_mask = with_mask
        self.with_seg = with_seg
        self.poly2mask = poly2mask
        self.denorm_bbox = denorm_bbox
        self.file_client_args = file_client_args

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Adds the annotations of one sample."""
        ann_info = require_key(
            results,
            'ann_info',
            'LoadAnnotations',
            'the dataset must give each item ann_info=dict(bboxes=..., labels=...)',
        )
        if self.with_bbox:
            bbox_fields = list(results.get('bbox_fields', []))
            boxes = _as_boxes(
                require_key(ann_info, 'bboxes', 'LoadAnnotations', 'add the boxes to ann_info'),
                'bboxes',
            )
            if self.denorm_bbox and len(boxes):
                h, w = results['img_shape'][:2]
                boxes[:, 0::2] *= w
                boxes[:, 1::2] *= h
            ignore = ann_info.get('bboxes_ignore')
            if ignore is not None:
                results['gt_bboxes_ignore'] = _as_boxes(ignore, 'bboxes_ignore')
                bbox_fields.append('gt_bboxes_ignore')
            results['gt_bboxes'] = boxes
            bbox_fields.append('gt_bboxes')
            results['bbox_fields'] = bbox_fields
        if self.with_label:
            labels = require_key(
                ann_info, 'labels', 'LoadAnnotations', 'add the labels to ann_info'
            )
            results['gt_labels'] = np.array(labels, dtype=np.int64, copy=True).reshape(-1)
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(with_bbox={self.with_bbox}, with_label={self.with_label}, '
            f'denorm_bbox={self.denorm_bbox})'
        )
