"""CropInstance: square crop centred on one instance, with context (MPSR auxiliary branch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS

from .utils import single_box


@TRANSFORMS.register_module()
class CropInstance:
    """Crops a square of side ``int(max(w, h) * (1 + context_ratio))`` centred on the box.

    Parts of the square outside the image are zero. ``gt_bboxes`` becomes the box
    in the crop's coordinates and ``img`` / ``img_shape`` the crop.

    Args:
        context_ratio: Extra context relative to the longer box side (>= 0).
    """

    def __init__(self, context_ratio: float = 0) -> None:
        if context_ratio < 0:
            raise ValueError(f'CropInstance context_ratio={context_ratio} must be >= 0')
        self.context_ratio = context_ratio

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Crops the instance of one sample."""
        img = results['img']
        h, w = img.shape[:2]
        x1, y1, x2, y2 = (float(v) for v in single_box(results, 'CropInstance'))
        side = int(max(x2 - x1, y2 - y1) * (1 + self.context_ratio))
        crop = np.zeros((side, side, *img.shape[2:]), dtype=img.dtype)
        # top-left of the square in image coordinates (may be negative)
        left, top = int((x1 + x2 - side) / 2), int((y1 + y2 - side) / 2)
        src_x1, src_y1 = max(0, left), max(0, top)
        src_x2 = min(w, int((x1 + x2 + side) / 2))
        src_y2 = min(h, int((y1 + y2 + side) / 2))
        dst_x1, dst_y1 = src_x1 - left, src_y1 - top
        crop[dst_y1 : dst_y1 + src_y2 - src_y1, dst_x1 : dst_x1 + src_x2 - src_x1] = img[
            src_y1:src_y2, src_x1:src_x2
        ]
        shift_x, shift_y = x1 - left, y1 - top
        results['gt_bboxes'] = np.array(
            [[shift_x, shift_y, x2 - x1 + shift_x, y2 - y1 + shift_y]], dtype=np.float32
        )
        results['img'] = crop
        results['img_shape'] = crop.shape
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(context_ratio={self.context_ratio})'
