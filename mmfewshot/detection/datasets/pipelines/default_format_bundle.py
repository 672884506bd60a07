"""DefaultFormatBundle: wraps images, boxes and labels in DataContainers (mmdet 2.x)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import to_tensor
from mmfewshot.utils import DataContainer

_BOX_KEYS = ('proposals', 'gt_bboxes', 'gt_bboxes_ignore', 'gt_labels')


@TRANSFORMS.register_module()
class DefaultFormatBundle:
    """Formats the common detection fields for batching.

    * ``img``: float32 (with ``img_to_float``), ``(C, H, W)`` tensor in
      ``DataContainer(stack=True, padding_value=pad_val['img'])``;
    * ``proposals``, ``gt_bboxes``, ``gt_bboxes_ignore``, ``gt_labels``: tensors in
      ``DataContainer`` (not stacked);
    * defaults for ``pad_shape`` (the image shape), ``scale_factor`` (1.0) and
      ``img_norm_cfg`` (identity) when earlier transforms did not set them.

    Args:
        img_to_float: Convert uint8 images to float32.
        pad_val: Padding values used when stacking: ``dict(img=0, masks=0, seg=255)``.
    """

    def __init__(self, img_to_float: bool = True, pad_val: dict[str, float] | None = None) -> None:
        self.img_to_float = img_to_float
        self.pad_val: dict[str, float] = {'img': 0, 'masks': 0, 'seg': 255}
        if pad_val is not None:
            self.pad_val.update(pad_val)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Formats one sample."""
        if 'img' in results:
            img = results['img']
            if self.img_to_float and img.dtype == np.uint8:
                img = img.astype(np.float32)
            results.setdefault('pad_shape', img.shape)
            results.setdefault('scale_factor', 1.0)
            channels = 1 if img.ndim < 3 else img.shape[2]
            results.setdefault(
                'img_norm_cfg',
                dict(
                    mean=np.zeros(channels, dtype=np.float32),
                    std=np.ones(channels, dtype=np.float32),
                    to_rgb=False,
                ),
            )
            if img.ndim < 3:
                img = np.expand_dims(img, -1)
            tensor = to_tensor(np.ascontiguousarray(img.transpose(2, 0, 1)))
            results['img'] = DataContainer(tensor, stack=True, padding_value=self.pad_val['img'])
        for key in _BOX_KEYS:
            if key in results:
                results[key] = DataContainer(to_tensor(results[key]))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(img_to_float={self.img_to_float})'
