"""Normalize: ``(img - mean) / std`` per channel, optionally after BGR -> RGB."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields


@TRANSFORMS.register_module()
class Normalize:
    """Normalizes every image field and records ``img_norm_cfg`` (mmcls 0.x / mmdet 2.x).

    The image is converted to float32; with ``to_rgb`` the channels are first
    reversed from BGR to RGB, then ``(img - mean) / std`` is applied per channel.

    Args:
        mean: Per-channel mean, in the channel order after the optional conversion.
        std: Per-channel standard deviation (non-zero).
        to_rgb: Whether to convert BGR to RGB first.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], to_rgb: bool = True) -> None:
        self.mean = np.array(mean, dtype=np.float32)
        self.std = np.array(std, dtype=np.float32)
        if self.mean.ndim != 1 or self.mean.shape != self.std.shape:
            raise ValueError(
                f'Normalize mean {list(mean)} and std {list(std)} must be lists of the same length '
                '(one value per channel)'
            )
        if np.any(self.std == 0):
            raise ValueError(f'Normalize std {list(std)} contains 0; every std must be non-zero')
        self.to_rgb = to_rgb

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Normalizes the images of one sample."""
        for key in image_fields(results):
            img = results[key]
            channels = 1 if img.ndim < 3 else img.shape[2]
            if channels != len(self.mean):
                raise ValueError(
                    f'Normalize has {len(self.mean)} mean/std values but results[{key!r}] has '
                    f'{channels} channels; give one mean and std per channel'
                )
            results[key] = mmcv.imnormalize(img, self.mean, self.std, self.to_rgb)
        results['img_norm_cfg'] = dict(
            mean=self.mean.copy(), std=self.std.copy(), to_rgb=self.to_rgb
        )
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(mean={self.mean.tolist()}, std={self.std.tolist()}, '
            f'to_rgb={self.to_rgb})'
        )
