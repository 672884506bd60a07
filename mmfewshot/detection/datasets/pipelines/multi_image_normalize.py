"""MultiImageNormalize: Normalize applied to each sample of a list."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import Normalize

from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImageNormalize(Normalize):
    """:class:`~mmfewshot.transforms.Normalize` on each sample of a list (same arguments)."""

    def __call__(self, results_list: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[override]
        """Normalizes each sample of the list."""
        check_results_list(results_list, 'MultiImageNormalize')
        return [super(MultiImageNormalize, self).__call__(results) for results in results_list]
