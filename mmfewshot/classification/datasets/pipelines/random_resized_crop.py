"""RandomResizedCrop with the mmcls 0.x arguments (Inception-style crop, then resize)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields


def _pair(size: int | Sequence[int], name: str) -> tuple[int, int]:
    if isinstance(size, int) and size > 0:
        return (size, size)
    if (
        isinstance(size, (tuple, list))
        and len(size) == 2
        and all(isinstance(s, int) and s > 0 for s in size)
    ):
        return (size[0], size[1])
    raise ValueError(f'{name}={size!r} is invalid; give a positive int or (h, w) positive ints')


@TRANSFORMS.register_module()
class RandomResizedCrop:
    """Crops a random area and aspect ratio of the image, then resizes it to ``size``.

    Up to ``max_attempts`` times, a target area ``uniform(*scale) * H * W`` and an
    aspect ratio ``exp(uniform(log ratio))`` (``w / h``) are drawn; the first crop
    that fits is placed at a uniform offset. Otherwise the central crop closest to
    the ratio range is taken. With ``efficientnet_style`` the TF EfficientNet
    sampling is used instead (its fallback is a centre crop of
    ``size / (size + crop_padding)`` of the short side). All draws use NumPy's
    global RNG as mmcls 0.x did, so worker seeding and
    :func:`mmfewshot.utils.local_numpy_seed` make them reproducible.

    Args:
        size: Output size, an int or ``(h, w)``.
        scale: Range of the crop area as a fraction of the image area.
        ratio: Range of the crop aspect ratio ``w / h``.
        max_attempts: Tries before the fallback crop.
        efficientnet_style: Use the EfficientNet sampling (``size`` must be an int).
        min_covered: EfficientNet style: minimal fraction of the image the crop covers.
        crop_padding: EfficientNet style: padding used by the fallback centre crop.
        interpolation: mmcv interpolation name.
        backend: ``'cv2'`` or ``'pillow'``.
    """

    def __init__(
        self,
        size: int | Sequence[int],
        scale: Sequence[float] = (0.08, 1.0),
        ratio: Sequence[float] = (3.0 / 4.0, 4.0 / 3.0),
        max_attempts: int = 10,
        efficientnet_style: bool = False,
        min_covered: float = 0.1,
        crop_padding: int = 32,
        interpolation: str = 'bilinear',
        backend: str = 'cv2',
    ) -> None:
        if efficientnet_style and not isinstance(size, int):
            raise ValueError(
                f'RandomResizedCrop size={size!r} must be an int with efficientnet_style=True'
            )
        self.size = _pair(size, 'RandomResizedCrop size')
        if len(scale) != 2 or not 0 < scale[0] <= scale[1]:
            raise ValueError(
                f'RandomResizedCrop scale={scale!r} must be (min, max), 0 < min <= max'
            )
        if len(ratio) != 2 or not 0 < ratio[0] <= ratio[1]:
            raise ValueError(
                f'RandomResizedCrop ratio={ratio!r} must be (min, max), 0 < min <= max'
            )
        if max_attempts < 0:
            raise ValueError(f'RandomResizedCrop max_attempts={max_attempts} must be >= 0')
        if backend not in ('cv2', 'pillow'):
            raise ValueError(f"RandomResizedCrop backend={backend!r}; use 'cv2' or 'pillow'")
        self.scale = (float(scale[0]), float(scale[1]))
        self.ratio = (float(ratio[0]), float(ratio[1]))
        self.max_attempts = max_attempts
        self.efficientnet_style = efficientnet_style
        self.min_covered = min_covered
        self.crop_padding = crop_padding
        self.interpolation = interpolation
        self.backend = backend

    def get_params(self, height: int, width: int) -> tuple[int, int, int, int]:
        """Draws ``(offset_h, offset_w, crop_h, crop_w)`` for an image of that size."""
        area = height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(self.max_attempts):
            target_area = np.random.uniform(*self.scale) * area
            aspect = math.exp(np.random.uniform(*log_ratio))
            crop_w = round(math.sqrt(target_area * aspect))
            crop_h = round(math.sqrt(target_area / aspect))
            if 0 < crop_w <= width and 0 < crop_h <= height:
                offset_h = int(np.random.randint(0, height - crop_h + 1))
                offset_w = int(np.random.randint(0, width - crop_w + 1))
                return offset_h, offset_w, crop_h, crop_w
        in_ratio = width / height
        if in_ratio < self.ratio[0]:
            crop_w, crop_h = width, round(width / self.ratio[0])
        elif in_ratio > self.ratio[1]:
            crop_h, crop_w = height, round(height * self.ratio[1])
        else:
            crop_h, crop_w = height, width
        return (height - crop_h) // 2, (width - crop_w) // 2, crop_h, crop_w

    def get_params_efficientnet_style(self, height: int, width: int) -> tuple[int, int, int, int]:
        """EfficientNet-style draw of ``(offset_h, offset_w, crop_h, crop_w)``."""
        area = height * width
        min_area, max_area = self.scale[0] * area, self.scale[1] * area
        for _ in range(self.max_attempts):
            aspect = np.random.uniform(*self.ratio)
            min_h = round(math.sqrt(min_area / aspect))
            max_h = round(math.sqrt(max_area / aspect))
            if max_h * aspect > width:
                max_h = int((width + 0.5 - 1e-7) / aspect)
                if max_h * aspect > width:
                    max_h -= 1
            max_h = min(max_h, height)
            min_h = min(max_h, min_h)
            crop_h = round(np.random.uniform(min_h, max_h))
            crop_w = round(crop_h * aspect)
            crop_area = crop_h * crop_w
            if (
                crop_area < min_area
                or crop_area > max_area
                or crop_w > width
                or crop_h > height
                or crop_area < self.min_covered * area
                or crop_h <= 0
                or crop_w <= 0
            ):
                continue
            offset_h = int(np.random.randint(0, height - crop_h + 1))
            offset_w = int(np.random.randint(0, width - crop_w + 1))
            return offset_h, offset_w, crop_h, crop_w
        side = self.size[0] / (self.size[0] + self.crop_padding) * min(height, width)
        offset_h = max(0, round((height - side) / 2.0))
        offset_w = max(0, round((width - side) / 2.0))
        crop_h = int(min(height, offset_h + side)) - offset_h
        crop_w = int(min(width, offset_w + side)) - offset_w
        return offset_h, offset_w, crop_h, crop_w

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Crops and resizes every image field of one sample to ``size``."""
        for key in image_fields(results):
            img = results[key]
            height, width = img.shape[:2]
            if self.efficientnet_style:
                top, left, crop_h, crop_w = self.get_params_efficientnet_style(height, width)
            else:
                top, left, crop_h, crop_w = self.get_params(height, width)
            crop = img[top : top + crop_h, left : left + crop_w]
            img = mmcv.imresize(
                crop,
                (self.size[1], self.size[0]),
                interpolation=self.interpolation,
                backend=self.backend,
            )
            results[key] = img
            results['img_shape'] = img.shape
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(size={self.size}, scale={self.scale}, '
            f'ratio={tuple(round(r, 4) for r in self.ratio)}, max_attempts={self.max_attempts}, '
            f'efficientnet_style={self.efficientnet_style}, interpolation={self.interpolation}, '
            f'backend={self.backend})'
        )
