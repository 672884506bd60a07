"""ImageToTensor: ``H x W x C`` arrays to ``C x H x W`` tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import require_key, to_tensor


@TRANSFORMS.register_module()
class ImageToTensor:
    """Converts image arrays to contiguous tensors of shape (C, H, W); dtype is kept.

    A 2-D (grayscale) array gets a channel axis first, giving (1, H, W).

    Args:
        keys: The result keys holding images.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str):
            raise TypeError(
                f'ImageToTensor keys must be a list, got the string {keys!r}; use [{keys!r}]'
            )
        self.keys = list(keys)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Converts each key of one sample."""
        for key in self.keys:
            img = require_key(results, key, 'ImageToTensor', 'load the image before this transform')
            if img.ndim < 3:
                img = np.expand_dims(img, -1)
            results[key] = to_tensor(np.ascontiguousarray(img.transpose(2, 0, 1)))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(keys={self.keys})'
