"""Pad: pads images at the bottom/right to a fixed size or a multiple (mmdet 2.x)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields


@TRANSFORMS.register_module()
class Pad:
    """Pads every image field at the bottom and right; boxes do not move.

    Give ``size`` (``(h, w)``), ``size_divisor`` (pad ``h`` and ``w`` up to a
    multiple), or ``pad_to_square``. Sets ``pad_shape``, ``pad_fixed_size`` and
    ``pad_size_divisor``.

    Args:
        size: Target ``(h, w)``.
        size_divisor: Pad height and width up to a multiple of it.
        pad_to_square: Pad to a square of the long side.
        pad_val: Fill value: a number (mmdet <= 2.17) or ``dict(img=...)``.
    """

    def __init__(
        self,
        size: Sequence[int] | None = None,
        size_divisor: int | None = None,
        pad_to_square: bool = False,
        pad_val: float | dict[str, float] = 0,
    ) -> None:
        if pad_to_square:
            if size is not None or size_divisor is not None:
                raise ValueError(
                    'Pad(pad_to_square=True) takes neither size nor size_divisor; drop them'
                )
        elif (size is None) == (size_divisor is None):
            raise ValueError(
                f'Pad needs exactly one of size and size_divisor, got size={size!r}, '
                f'size_divisor={size_divisor!r}'
            )
        if size_divisor is not None and size_divisor <= 0:
            raise ValueError(f'Pad size_divisor={size_divisor} must be a positive int')
        self.size = tuple(size) if size is not None else None
        self.size_divisor = size_divisor
        self.pad_to_square = pad_to_square
        self.pad_val = pad_val
        self._img_pad_val = pad_val.get('img', 0) if isinstance(pad_val, dict) else pad_val

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Pads the images of one sample."""
        for key in image_fields(results):
            img = results[key]
            h, w = img.shape[:2]
            if self.pad_to_square:
                target: tuple[int, ...] | None = (max(h, w), max(h, w))
            elif self.size is not None:
                target = self.size
            else:
                assert self.size_divisor is not None
                divisor = self.size_divisor
                target = (int(np.ceil(h / divisor)) * divisor, int(np.ceil(w / divisor)) * divisor)
            assert target is not None
            if target[0] < h or target[1] < w:
                raise ValueError(
                    f'Pad size {target} is smaller than results[{key!r}] of shape {img.shape}; '
                    'resize first or pad to a larger size'
                )
            # filled with numpy: cv2's border value only reaches the first channel for a scalar
            padded = np.full((target[0], target[1], *img.shape[2:]), self._img_pad_val, img.dtype)
            padded[:h, :w] = img
            results[key] = padded
            results['pad_shape'] = padded.shape
        results['pad_fixed_size'] = self.size
        results['pad_size_divisor'] = self.size_divisor
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(size={self.size}, size_divisor={self.size_divisor}, '
            f'pad_to_square={self.pad_to_square}, pad_val={self.pad_val})'
        )
