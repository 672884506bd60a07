"""CenterCrop with the mmcls 0.x arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mmcv

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields


@TRANSFORMS.register_module()
class CenterCrop:
    """Crops the centre of every image field (mmcls 0.x).

    The crop starts at ``round((H - h) / 2)``, ``round((W - w) / 2)``; an image
    smaller than the crop keeps its size along that side (no padding). With
    ``efficientnet_style`` the crop is ``crop_size / (crop_size + crop_padding)`` of
    the short side, then resized to ``crop_size``.

    Args:
        crop_size: Output size, an int or ``(h, w)`` (an int with ``efficientnet_style``).
        efficientnet_style: Use the EfficientNet evaluation crop.
        crop_padding: EfficientNet style: padding of the crop.
        interpolation: EfficientNet style: mmcv interpolation name of the resize.
        backend: EfficientNet style: ``'cv2'`` or ``'pillow'``.
    """

    def __init__(
        self,
        crop_size: int | Sequence[int],
        efficientnet_style: bool = False,
        crop_padding: int = 32,
        interpolation: str = 'bilinear',
        backend: str = 'cv2',
    ) -> None:
        if isinstance(crop_size, int) and crop_size > 0:
            self.crop_size = (crop_size, crop_size)
        elif (
            not efficientnet_style
            and isinstance(crop_size, (tuple, list))
            and len(crop_size) == 2
            and all(isinstance(s, int) and s > 0 for s in crop_size)
        ):
            self.crop_size = (crop_size[0], crop_size[1])
        else:
            raise ValueError(
                f'CenterCrop crop_size={crop_size!r} is invalid; give a positive int (or (h, w) '
                'positive ints without efficientnet_style)'
            )
        if backend not in ('cv2', 'pillow'):
            raise ValueError(f"CenterCrop backend={backend!r}; use 'cv2' or 'pillow'")
        self.efficientnet_style = efficientnet_style
        self.crop_padding = crop_padding
        self.interpolation = interpolation
        self.backend = backend

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Crops every image field of one sample."""
        crop_h, crop_w = self.crop_size
        for key in image_fields(results):
            img = results[key]
            height, width = img.shape[:2]
            if self.efficientnet_style:
                side = crop_h / (crop_h + self.crop_padding) * min(height, width)
                top = max(0, round((height - side) / 2.0))
                left = max(0, round((width - side) / 2.0))
                bottom = int(min(height, top + side))
                right = int(min(width, left + side))
                img = mmcv.imresize(
                    img[top:bottom, left:right],
                    (crop_w, crop_h),
                    interpolation=self.interpolation,
                    backend=self.backend,
                )
            else:
                top = max(0, round((height - crop_h) / 2.0))
                left = max(0, round((width - crop_w) / 2.0))
                img = img[top : min(height, top + crop_h), left : min(width, left + crop_w)]
            results[key] = img
            results['img_shape'] = img.shape
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(crop_size={self.crop_size}, '
            f'efficientnet_style={self.efficientnet_style}, crop_padding={self.crop_padding})'
        )
