"""ResizeToMultiScale: one resized copy of the sample per scale (MPSR auxiliary branch)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import Resize


@TRANSFORMS.register_module()
class ResizeToMultiScale(Resize):
    """Resizes deep copies of the sample to each scale and returns them as a list.

    Each copy is resized like mmdet-style :class:`~mmfewshot.transforms.Resize`
    with ``results['scale']`` set to that scale (``keep_ratio`` by default), so it
    gets its own ``img_shape``, ``pad_shape``, ``scale_factor`` and scaled boxes.
    The ``MultiImage*`` transforms then process the list.

    Args:
        multi_scales: Scales ``(long, short)``, one output per scale.
        **kwargs: Other mmdet-style :class:`~mmfewshot.transforms.Resize` arguments
            (``keep_ratio``, ``bbox_clip_border``, ``backend``, ``interpolation``).
    """

    def __init__(self, multi_scales: Sequence[Sequence[float]], **kwargs: Any) -> None:
        if 'size' in kwargs or 'img_scale' in kwargs:
            raise ValueError('ResizeToMultiScale takes multi_scales, not size or img_scale')
        super().__init__(**kwargs)
        scales = list(multi_scales) if isinstance(multi_scales, (list, tuple)) else []
        if not scales or not all(isinstance(s, (tuple, list)) and len(s) == 2 for s in scales):
            raise ValueError(
                f'ResizeToMultiScale multi_scales={multi_scales!r} must be a non-empty list of '
                '(long, short) pairs'
            )
        self.multi_scales = [tuple(s) for s in scales]

    def __call__(self, results: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[override]
        """Returns one resized deep copy of ``results`` per scale."""
        outputs = []
        for scale in self.multi_scales:
            scaled = copy.deepcopy(results)
            scaled['scale'] = scale
            self._resize_img(scaled)
            self._resize_bboxes(scaled)
            outputs.append(scaled)
        return outputs

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(multi_scales={self.multi_scales}, '
            f'keep_ratio={self.keep_ratio}, bbox_clip_border={self.bbox_clip_border})'
        )
