"""CropResizeInstance: square crop around one instance, resized (Attention-RPN support images)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS

from .utils import single_box


def _long_side_range(lo: int, hi: int, size: int, context: int) -> tuple[int, int, int]:
    """Crop ``[start, end)`` along the box's long side (box +- context) and the box offset in it."""
    start, end = lo - context, min(hi + context, size)
    offset = context
    if start < 0:
        offset += start
        start = 0
    return start, end, offset


def _short_side_range(lo: int, hi: int, size: int, length: int) -> tuple[int, int, int]:
    """Crop of ``length`` centred on the box along its short side (int() truncates toward 0)."""
    center = int((lo + hi) / 2)
    start, end = int(center - length / 2), int(center + length / 2)
    offset = math.ceil((length - (hi - lo)) / 2)
    if start < 0:
        offset += start
        start = 0
    return start, min(end, size), offset


@TRANSFORMS.register_module()
class CropResizeInstance:
    """Crops a square around the single instance of an image and resizes it to ``target_size``.

    Along the box's longer side the crop spans the box plus ``num_context_pixels``
    on each end (clipped to the image); along the shorter side a window of the
    same length is centred on the box (clipped as well). The crop is pasted,
    centred along the short side, on a black square, which is resized to fit
    ``target_size``; the box follows (coordinates truncated to ints). Integer
    rounding follows the original MMFewShot implementation, so that support
    images match it pixel for pixel.

    Args:
        num_context_pixels: Context pixels added around the box on its long side.
        target_size: ``(w, h)`` bound the square is rescaled to (aspect kept).
    """

    def __init__(
        self, num_context_pixels: int = 16, target_size: Sequence[int] = (320, 320)
    ) -> None:
        if not isinstance(num_context_pixels, int) or num_context_pixels < 0:
            raise ValueError(
                f'CropResizeInstance num_context_pixels={num_context_pixels!r} must be an int >= 0'
            )
        if len(target_size) != 2 or min(target_size) <= 0:
            raise ValueError(
                f'CropResizeInstance target_size={target_size!r} must be two positive ints'
            )
        self.num_context_pixels = num_context_pixels
        self.target_size = tuple(target_size)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Crops and resizes the instance of one sample."""
        img = results['img']
        img_h, img_w = img.shape[:2]
        x1, y1, x2, y2 = (int(v) for v in single_box(results, 'CropResizeInstance').tolist())
        box_w, box_h = x2 - x1, y2 - y1
        context = self.num_context_pixels
        if box_w >= box_h:
            cx1, cx2, tx = _long_side_range(x1, x2, img_w, context)
            cy1, cy2, ty = _short_side_range(y1, y2, img_h, cx2 - cx1)
            side, short = cx2 - cx1, cy2 - cy1
            delta = int((side - short) / 2)
            ty += delta
            square = np.zeros((side, side, *img.shape[2:]), dtype=img.dtype)
            square[delta : delta + short] = img[cy1:cy2, cx1:cx2]
        else:
            cy1, cy2, ty = _long_side_range(y1, y2, img_h, context)
            cx1, cx2, tx = _short_side_range(x1, x2, img_w, cy2 - cy1)
            side, short = cy2 - cy1, cx2 - cx1
            delta = int((side - short) / 2)
            tx += delta
            square = np.zeros((side, side, *img.shape[2:]), dtype=img.dtype)
            square[:, delta : delta + short] = img[cy1:cy2, cx1:cx2]
        resized, factor = mmcv.imrescale(
            square.astype(np.float32), self.target_size, return_scale=True, backend='cv2'
        )
        resized = resized.astype(img.dtype)
        box = [tx, ty, tx + box_w, ty + box_h]
        results['img'] = resized
        results['img_shape'] = resized.shape
        results['gt_bboxes'] = np.array([[int(v * factor) for v in box]], dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(num_context_pixels={self.num_context_pixels}, '
            f'target_size={self.target_size})'
        )
