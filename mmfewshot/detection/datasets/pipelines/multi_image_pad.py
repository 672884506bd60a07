"""MultiImagePad: Pad applied to each sample of a list."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS

from .pad import Pad
from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImagePad(Pad):
    """:class:`~mmfewshot.detection.datasets.pipelines.Pad` on each sample (same arguments)."""

    def __call__(self, results_list: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[override]
        """Pads each sample of the list."""
        check_results_list(results_list, 'MultiImagePad')
        return [super(MultiImagePad, self).__call__(results) for results in results_list]
