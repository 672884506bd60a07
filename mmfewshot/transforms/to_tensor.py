"""ToTensor: converts result values (labels, boxes, ...) to tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import require_key, to_tensor


@TRANSFORMS.register_module()
class ToTensor:
    """Converts ``results[key]`` for each key with :func:`mmfewshot.transforms.to_tensor`.

    Args:
        keys: The result keys to convert.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str):
            raise TypeError(
                f'ToTensor keys must be a list, got the string {keys!r}; use [{keys!r}]'
            )
        self.keys = list(keys)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Converts each key of one sample."""
        for key in self.keys:
            value = require_key(
                results, key, 'ToTensor', 'check the keys argument against the dataset output'
            )
            results[key] = to_tensor(value)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(keys={self.keys})'
