"""MultiImageFormatBundle: DefaultFormatBundle applied to each sample of a list."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS

from .default_format_bundle import DefaultFormatBundle
from .utils import check_results_list


@TRANSFORMS.register_module()
class MultiImageFormatBundle(DefaultFormatBundle):
    """:class:`DefaultFormatBundle` on each sample of a list (same arguments)."""

    def __call__(self, results_list: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[override]
        """Formats each sample of the list."""
        check_results_list(results_list, 'MultiImageFormatBundle')
        return [super(MultiImageFormatBundle, self).__call__(results) for results in results_list]
