"""RandomCrop for detection: crops image and boxes, dropping boxes left outside (mmdet 2.x)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import clip_bboxes, image_fields

_CROP_TYPES = ('absolute', 'absolute_range', 'relative', 'relative_range')
# Which label array goes with which box array.
BBOX_TO_LABEL = {'gt_bboxes': 'gt_labels', 'gt_bboxes_ignore': 'gt_labels_ignore'}


def crop_results(
    results: dict[str, Any],
    crop_size: tuple[int, int],
    allow_negative_crop: bool,
    bbox_clip_border: bool,
) -> dict[str, Any] | None:
    """Crops one sample at a random offset (NumPy global RNG).

    Args:
        results: The sample; modified in place only when the crop is kept.
        crop_size: ``(h, w)`` of the crop, at most the image size.
        allow_negative_crop: Keep a crop that contains no ``gt_bboxes``.
        bbox_clip_border: Clip boxes to the crop.

    Returns:
        The cropped sample, or ``None`` when no ground-truth box survives and
        ``allow_negative_crop`` is false (the sample is then left untouched).
    """
    img = results['img']
    margin_h = max(img.shape[0] - crop_size[0], 0)
    margin_w = max(img.shape[1] - crop_size[1], 0)
    top = int(np.random.randint(0, margin_h + 1))
    left = int(np.random.randint(0, margin_w + 1))
    bottom, right = top + crop_size[0], left + crop_size[1]

    updates: dict[str, Any] = {}
    img_shape: tuple[int, ...] = img.shape
    for key in image_fields(results):
        cropped = results[key][top:bottom, left:right, ...]
        updates[key] = cropped
        img_shape = cropped.shape
    updates['img_shape'] = img_shape
    offset = np.array([left, top, left, top], dtype=np.float32)
    for key in results.get('bbox_fields', []):
        bboxes = results[key] - offset
        if bbox_clip_border:
            bboxes = clip_bboxes(bboxes, img_shape)
        valid = (bboxes[:, 2] > bboxes[:, 0]) & (bboxes[:, 3] > bboxes[:, 1])
        if key == 'gt_bboxes' and not valid.any() and not allow_negative_crop:
            return None
        updates[key] = bboxes[valid]
        label_key = BBOX_TO_LABEL.get(key)
        if label_key is not None and label_key in results:
            updates[label_key] = results[label_key][valid]
    results.update(updates)
    return results


@TRANSFORMS.register_module()
class RandomCrop:
    """Randomly crops images and boxes (mmdet 2.x).

    The crop size comes from ``crop_size`` and ``crop_type``: ``'absolute'``
    (``(h, w)`` pixels, capped by the image), ``'absolute_range'`` (``h`` and ``w``
    drawn in ``[crop_size[0], crop_size[1]]``), ``'relative'`` (fractions ``(h, w)``
    of the image) or ``'relative_range'`` (fractions drawn in ``[crop_size, 1]``).
    Boxes are shifted, clipped (``bbox_clip_border``) and dropped when empty,
    together with their labels. If no ground-truth box is left and
    ``allow_negative_crop`` is false the transform returns ``None`` (the dataset
    then draws another sample). Draws use NumPy's global RNG as mmdet did.

    Args:
        crop_size: Size or fractions, see above.
        crop_type: One of ``'absolute'``, ``'absolute_range'``, ``'relative'``,
            ``'relative_range'``.
        allow_negative_crop: Keep crops with no ground-truth box.
        recompute_bbox: Must be ``False`` (it needs instance masks, not supported).
        bbox_clip_border: Clip boxes to the crop.
    """

    def __init__(
        self,
        crop_size: Sequence[float],
        crop_type: str = 'absolute',
        allow_negative_crop: bool = False,
        recompute_bbox: bool = False,
        bbox_clip_border: bool = True,
    ) -> None:
        if crop_type not in _CROP_TYPES:
            raise ValueError(f'RandomCrop crop_type={crop_type!r} is unknown; use {_CROP_TYPES}')
        if len(crop_size) != 2:
            raise ValueError(f'RandomCrop crop_size={crop_size!r} must be a pair')
        if crop_type in ('absolute', 'absolute_range'):
            if not (crop_size[0] > 0 and crop_size[1] > 0):
                raise ValueError(f'RandomCrop crop_size={crop_size!r} must be positive')
            if crop_type == 'absolute_range' and crop_size[0] > crop_size[1]:
                raise ValueError(f'RandomCrop absolute_range {crop_size!r} must be (min, max)')
        elif not (0 < crop_size[0] <= 1 and 0 < crop_size[1] <= 1):
            raise ValueError(f'RandomCrop relative crop_size={crop_size!r} must be in (0, 1]')
        if recompute_bbox:
            raise ValueError(
                'RandomCrop(recompute_bbox=True) needs instance masks, which mmfewshot does not '
                'load; set recompute_bbox=False'
            )
        self.crop_size = tuple(crop_size)
        self.crop_type = crop_type
        self.allow_negative_crop = allow_negative_crop
        self.recompute_bbox = recompute_bbox
        self.bbox_clip_border = bbox_clip_border

    def get_crop_size(self, image_size: tuple[int, int]) -> tuple[int, int]:
        """The absolute ``(h, w)`` crop for an image of ``image_size`` ``(h, w)``."""
        h, w = image_size
        size = self.crop_size
        if self.crop_type == 'absolute':
            return min(int(size[0]), h), min(int(size[1]), w)
        if self.crop_type == 'absolute_range':
            crop_h = np.random.randint(min(h, int(size[0])), min(h, int(size[1])) + 1)
            crop_w = np.random.randint(min(w, int(size[0])), min(w, int(size[1])) + 1)
            return int(crop_h), int(crop_w)
        if self.crop_type == 'relative':
            return int(h * size[0] + 0.5), int(w * size[1] + 0.5)
        fractions = np.asarray(size, dtype=np.float64)
        fractions = fractions + np.random.rand(2) * (1 - fractions)
        return int(h * fractions[0] + 0.5), int(w * fractions[1] + 0.5)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any] | None:
        """Crops one sample; ``None`` drops it (see the class docstring)."""
        crop_size = self.get_crop_size(results['img'].shape[:2])
        return crop_results(results, crop_size, self.allow_negative_crop, self.bbox_clip_border)

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(crop_size={self.crop_size}, crop_type={self.crop_type}, '
            f'allow_negative_crop={self.allow_negative_crop}, '
            f'bbox_clip_border={self.bbox_clip_border})'
        )
