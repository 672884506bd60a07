"""Datasets that copy the ``data_infos`` of another dataset (e.g. the model-init support set).

The VOC and COCO variants are two thin, parallel classes, kept side by side.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mmfewshot.registry import DATASETS

from ._ann_ops import normalize_ann
from .coco import FewShotCocoDataset
from .voc import FewShotVOCDataset


def copy_data_infos(cls_name: str, ann_cfg: Any) -> list[dict]:
    """Deep copies of the infos of ``ann_cfg=[dict(data_infos=[...]), ...]``, concatenated.

    Raises:
        TypeError: When an entry is not ``dict(data_infos=<non-empty list of dicts>)``.
    """
    if not isinstance(ann_cfg, list) or not ann_cfg:
        raise TypeError(f'{cls_name}: ann_cfg must be a non-empty list of dict(data_infos=[...])')
    infos: list[dict] = []
    for i, entry in enumerate(ann_cfg):
        data_infos = entry.get('data_infos') if isinstance(entry, Mapping) else None
        if not isinstance(data_infos, list) or not data_infos:
            raise TypeError(
                f'{cls_name}: ann_cfg[{i}] must be dict(data_infos=<non-empty list of infos>), '
                'e.g. dict(data_infos=other_dataset.data_infos)'
            )
        for k, info in enumerate(data_infos):
            if not isinstance(info, Mapping) or 'ann' not in info:
                raise TypeError(f"{cls_name}: ann_cfg[{i}].data_infos[{k}] has no 'ann' dict")
            new = copy.deepcopy(dict(info))
            new['ann'] = normalize_ann(info['ann'], f'{cls_name} ann_cfg[{i}].data_infos[{k}]')
            infos.append(new)
    return infos


@DATASETS.register_module()
class FewShotVOCCopyDataset(FewShotVOCDataset):
    """VOC dataset whose infos are copied: ``ann_cfg=[dict(data_infos=dataset.data_infos)]``.

    The infos are deep-copied, so changes to either dataset never reach the other.
    Labels index ``classes``, which must be the source dataset's classes.

    Args:
        ann_cfg: List of ``dict(data_infos=[...])``.
        **kwargs: :class:`FewShotVOCDataset` arguments.
    """

    def __init__(self, ann_cfg: list[dict], **kwargs: Any) -> None:
        super().__init__(ann_cfg=ann_cfg, **kwargs)

    def ann_cfg_parser(self, ann_cfg: list[dict]) -> list[dict]:
        """Returns copies of the given infos."""
        return copy_data_infos(type(self).__name__, ann_cfg)


@DATASETS.register_module()
class FewShotCocoCopyDataset(FewShotCocoDataset):
    """COCO dataset whose infos are copied: ``ann_cfg=[dict(data_infos=dataset.data_infos)]``.

    Evaluation builds its ground truth from the copied infos.

    Args:
        ann_cfg: List of ``dict(data_infos=[...])``.
        **kwargs: :class:`FewShotCocoDataset` arguments.
    """

    def __init__(self, ann_cfg: list[dict], **kwargs: Any) -> None:
        super().__init__(ann_cfg=ann_cfg, **kwargs)

    def ann_cfg_parser(self, ann_cfg: list[dict]) -> list[dict]:
        """Returns copies of the given infos."""
        self._other_sources = True
        return copy_data_infos(type(self).__name__, ann_cfg)
