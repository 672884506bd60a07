"""MultiImageCollect: flattens a list of samples into one dict with per-scale keys."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import Collect
from mmfewshot.transforms.collect import collect_keys, collect_meta
from mmfewshot.utils import DataContainer

from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImageCollect(Collect):
    """Collects scale ``i`` of a list as ``{key}_scale_{i}`` plus ``img_metas_scale_{i}``.

    For ``keys=['img', 'gt_labels']`` and two scales the output keys are
    ``img_scale_0``, ``gt_labels_scale_0``, ``img_metas_scale_0``, ``img_scale_1``,
    ... (the original MMFewShot wrote ``img_metas_scale{i}``, contrary to its own
    docstring; the documented name is used here). Meta keys follow
    :class:`~mmfewshot.transforms.Collect`.
    """

    def __call__(self, results_list: list[dict[str, Any]]) -> dict[str, Any]:  # type: ignore[override]
        """Returns the per-scale keys of the whole list in one dict."""
        check_results_list(results_list, 'MultiImageCollect')
        data: dict[str, Any] = {}
        for i, results in enumerate(results_list):
            meta = collect_meta(results, self.meta_keys, 'MultiImageCollect')
            data[f'img_metas_scale_{i}'] = DataContainer(meta, cpu_only=True)
            for key, value in collect_keys(results, self.keys, 'MultiImageCollect').items():
                data[f'{key}_scale_{i}'] = value
        return data
