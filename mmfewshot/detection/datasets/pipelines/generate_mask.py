"""GenerateMask: resizes a support image and appends its box mask as a 4th channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields, require_key


@TRANSFORMS.register_module()
class GenerateMask:
    """Resizes to ``target_size`` and concatenates a binary mask of the first box (Meta R-CNN).

    Every image field is resized to exactly ``target_size`` (aspect not kept),
    setting ``img_shape``, ``pad_shape`` and ``scale_factor``; the boxes are scaled
    (not clipped). Then a float32 mask, 1 inside ``int(x1):int(x2)`` x
    ``int(y1):int(y2)`` of the first ground-truth box and 0 elsewhere, is appended
    to ``img`` as the last channel (``H x W x (C + 1)``, float32 unless the image is
    float64).

    Args:
        target_size: Output ``(w, h)`` (the defaults are square).
    """

    def __init__(self, target_size: Sequence[int] = (224, 224)) -> None:
        if len(target_size) != 2 or min(target_size) <= 0:
            raise ValueError(f'GenerateMask target_size={target_size!r} must be two positive ints')
        self.target_size = (int(target_size[0]), int(target_size[1]))

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Resizes one sample and appends its mask channel."""
        for key in image_fields(results):
            img, w_scale, h_scale = mmcv.imresize(
                results[key], self.target_size, return_scale=True, backend='cv2'
            )
            results[key] = img
            results['img_shape'] = img.shape
            results['pad_shape'] = img.shape
            results['scale_factor'] = np.array(
                [w_scale, h_scale, w_scale, h_scale], dtype=np.float32
            )
        for key in results.get('bbox_fields', []):
            results[key] = results[key] * results['scale_factor']
        bboxes = require_key(results, 'gt_bboxes', 'GenerateMask', 'put LoadAnnotations first')
        if len(bboxes) == 0:
            raise ValueError(
                f'GenerateMask needs a gt box, image {results.get("filename", "?")} has none; '
                'filter images without boxes from the support set'
            )
        x1, y1, x2, y2 = (int(v) for v in bboxes[0][:4])
        mask = np.zeros((self.target_size[1], self.target_size[0]), dtype=np.float32)
        mask[y1:y2, x1:x2] = 1
        img = results['img']
        if img.ndim < 3:
            img = img[..., None]
        results['img'] = np.concatenate([img, mask[..., None]], axis=2)
        results['img_shape'] = results['img'].shape
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(target_size={self.target_size})'
