"""MultiImageRandomFlip: RandomFlip applied to each sample of a list."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import RandomFlip

from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImageRandomFlip(RandomFlip):
    """:class:`~mmfewshot.transforms.RandomFlip` on each sample; each scale draws its own flip.

    Arguments are those of :class:`~mmfewshot.transforms.RandomFlip`.
    """

    def __call__(self, results_list: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[override]
        """Flips each sample of the list."""
        check_results_list(results_list, 'MultiImageRandomFlip')
        return [super(MultiImageRandomFlip, self).__call__(results) for results in results_list]
