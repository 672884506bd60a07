"""MultiImageRandomCrop: a random crop per scale of a ResizeToMultiScale output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS

from .random_crop import crop_results
from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImageRandomCrop:
    """Randomly crops the i-th sample of a list to ``multi_crop_sizes[i]`` (capped by its size).

    Boxes are shifted, clipped and filtered as in
    :class:`~mmfewshot.detection.datasets.pipelines.RandomCrop`. If some scale
    loses every ground-truth box and ``allow_negative_crop`` is false, the whole
    sample is dropped (``None``) so that the dataset draws another one; the
    original MMFewShot kept such a crop with uncropped boxes. Offsets use NumPy's
    global RNG as mmdet did.

    Args:
        multi_crop_sizes: One ``(h, w)`` crop size per scale.
        allow_negative_crop: Keep crops without any ground-truth box.
        bbox_clip_border: Clip boxes to the crop.
    """

    def __init__(
        self,
        multi_crop_sizes: Sequence[Sequence[int]],
        allow_negative_crop: bool = False,
        bbox_clip_border: bool = True,
    ) -> None:
        sizes = list(multi_crop_sizes) if isinstance(multi_crop_sizes, (list, tuple)) else []
        if not sizes or not all(
            isinstance(s, (tuple, list)) and len(s) == 2 and min(s) > 0 for s in sizes
        ):
            raise ValueError(
                f'MultiImageRandomCrop multi_crop_sizes={multi_crop_sizes!r} must be a non-empty '
                'list of positive (h, w) pairs'
            )
        self.multi_crop_sizes = [(int(s[0]), int(s[1])) for s in sizes]
        self.allow_negative_crop = allow_negative_crop
        self.bbox_clip_border = bbox_clip_border

    def __call__(self, results_list: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """Crops each sample of the list; ``None`` drops the whole list."""
        check_results_list(results_list, 'MultiImageRandomCrop', len(self.multi_crop_sizes))
        for results, size in zip(results_list, self.multi_crop_sizes, strict=True):
            h, w = results['img'].shape[:2]
            cropped = crop_results(
                results,
                (min(size[0], h), min(size[1], w)),
                self.allow_negative_crop,
                self.bbox_clip_border,
            )
            if cropped is None:
                return None
        return results_list

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(multi_crop_sizes={self.multi_crop_sizes}, '
            f'allow_negative_crop={self.allow_negative_crop}, '
            f'bbox_clip_border={self.bbox_clip_border})'
        )
