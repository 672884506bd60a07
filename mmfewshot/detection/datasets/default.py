"""Datasets that read the predefined few-shot split files of TFA and the other methods.

The VOC and COCO variants are two thin, parallel classes, kept side by side
because they share the method/setting resolution.
"""

from __future__ import annotations

import os.path as osp
from collections.abc import Mapping, Sequence
from typing import Any

from mmfewshot.registry import DATASETS

from .coco import FewShotCocoDataset
from .voc import FewShotVOCDataset

METHODS = ('TFA', 'FSCE', 'Attention_RPN', 'MPSR', 'MetaRCNN', 'FSDetView')
VOC_SHOTS = (1, 2, 3, 5, 10)
COCO_SHOTS = (10, 30)
_ENTRY_KEYS = {'method', 'setting', 'ann_root', 'seed', 'type'}


def _resolve(
    cls_name: str,
    table: Mapping[str, Mapping[str, Any]],
    entry: Any,
    index: int,
) -> tuple[Any, str | None, int]:
    """Checks one ``dict(method=..., setting=...)`` entry and returns its template."""
    if not isinstance(entry, Mapping) or 'method' not in entry or 'setting' not in entry:
        raise TypeError(
            f'{cls_name}: ann_cfg[{index}] must be dict(method=..., setting=...), got {entry!r}'
        )
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise KeyError(
            f'{cls_name}: ann_cfg[{index}] has unknown keys {sorted(unknown)}; use '
            f'{sorted(_ENTRY_KEYS - {"type"})}'
        )
    method, setting = entry['method'], entry['setting']
    if method not in table:
        raise KeyError(f'{cls_name}: unknown method {method!r}; use one of {list(table)}')
    if setting not in table[method]:
        raise KeyError(
            f'{cls_name}: unknown setting {setting!r} for method {method!r}; use one of '
            f'{list(table[method])}'
        )
    seed = entry.get('seed', 0) or 0
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f'{cls_name}: ann_cfg[{index}] seed={seed!r} must be an integer >= 0')
    return table[method][setting], entry.get('ann_root'), seed


def _expand(
    template: Any, root: str, ann_root: str | None, seed: int, classes: Sequence[str]
) -> list[dict]:
    """Fresh ``ann_file`` entries of a template, for the classes of the dataset only."""
    out = []
    for sub_path, ann_class in template:
        if ann_class is not None and ann_class not in classes:
            continue
        ann_file = f'{root}/{sub_path}' if seed == 0 else f'{root}/seed{seed}/{sub_path}'
        if ann_root is not None:
            ann_file = osp.join(ann_root, ann_file)
        entry: dict[str, Any] = {'type': 'ann_file', 'ann_file': ann_file}
        if ann_class is not None:
            entry['ann_classes'] = [ann_class]
        out.append(entry)
    return out


def voc_default_ann_config(split: Mapping[str, Sequence[str]]) -> dict[str, dict[str, tuple]]:
    """Method -> ``SPLIT{n}_{K}SHOT`` -> ``((path under the ann dir, class), ...)``."""
    settings = {}
    for name in split:
        if not name.startswith('ALL_CLASSES_SPLIT'):
            continue
        n = name[len('ALL_CLASSES_SPLIT') :]
        for shot in VOC_SHOTS:
            settings[f'SPLIT{n}_{shot}SHOT'] = tuple(
                (f'benchmark_{shot}shot/box_{shot}shot_{c}_train.txt', c) for c in split[name]
            )
    return {method: dict(settings) for method in METHODS}


def coco_default_ann_config(split: Mapping[str, Sequence[str]]) -> dict[str, dict[str, tuple]]:
    """Method -> ``{10,30}SHOT`` (+ ``Official_10SHOT``) -> ``((path, class or None), ...)``."""
    settings: dict[str, tuple[tuple[str, str | None], ...]] = {
        f'{shot}SHOT': tuple(
            (f'benchmark_{shot}shot/full_box_{shot}shot_{c}_trainval.json', c)
            for c in split['ALL_CLASSES']
        )
        for shot in COCO_SHOTS
    }
    table = {method: dict(settings) for method in METHODS}
    table['Attention_RPN']['Official_10SHOT'] = (
        ('attention_rpn_10shot/official_10_shot_from_instances_train2017.json', None),
    )
    return table


@DATASETS.register_module()
class FewShotVOCDefaultDataset(FewShotVOCDataset):
    """VOC dataset built from a predefined split: ``ann_cfg=[dict(method=..., setting=...)]``.

    ``setting`` is ``SPLIT{1,2,3}_{1,2,3,5,10}SHOT``; ``method`` one of TFA,
    FSCE, Attention_RPN, MPSR, MetaRCNN, FSDetView (all read the same files).
    The setting resolves to one file per class of ``ALL_CLASSES_SPLIT{n}``,
    ``data/few_shot_ann/voc/benchmark_{K}shot/box_{K}shot_{class}_train.txt``
    (with ``ann_classes=[class]``); only the classes of ``classes`` are read.
    Optional entry keys: ``ann_root`` (prepended to those paths) and ``seed``
    (``s > 0`` reads ``.../voc/seed{s}/benchmark_{K}shot/``, as written by
    ``tools/data/detection/generate_few_shot_splits.py``).

    Args:
        ann_cfg: List of ``dict(method=..., setting=..., ann_root=None, seed=0)``.
        **kwargs: :class:`FewShotVOCDataset` arguments.
    """

    ANN_DIR = 'data/few_shot_ann/voc'

    def __init__(self, ann_cfg: list[dict], **kwargs: Any) -> None:
        super().__init__(ann_cfg=ann_cfg, **kwargs)

    @classmethod
    def default_ann_config(cls) -> dict[str, dict[str, tuple]]:
        """Method -> setting -> ``((path under ANN_DIR, class), ...)``; a fresh table per call."""
        return voc_default_ann_config(cls.SPLIT)

    def ann_cfg_parser(self, ann_cfg: list[dict]) -> list[dict]:
        """Expands the method/setting entries into ``ann_file`` entries and loads them."""
        if not isinstance(ann_cfg, list) or not ann_cfg:
            raise TypeError(f'{type(self).__name__}: ann_cfg must be a non-empty list of dicts')
        table = self.default_ann_config()
        entries: list[dict] = []
        for i, entry in enumerate(ann_cfg):
            template, ann_root, seed = _resolve(type(self).__name__, table, entry, i)
            entries += _expand(template, self.ANN_DIR, ann_root, seed, self.CLASSES)
        return super().ann_cfg_parser(entries)


@DATASETS.register_module()
class FewShotCocoDefaultDataset(FewShotCocoDataset):
    """COCO dataset built from a predefined split: ``ann_cfg=[dict(method=..., setting=...)]``.

    ``setting`` is ``10SHOT`` or ``30SHOT`` (one file per class,
    ``data/few_shot_ann/coco/benchmark_{K}shot/full_box_{K}shot_{class}_trainval.json``),
    or, for ``Attention_RPN`` only, ``Official_10SHOT``
    (``data/few_shot_ann/coco/attention_rpn_10shot/official_10_shot_from_instances_train2017.json``).
    Optional entry keys: ``ann_root`` and ``seed`` as for :class:`FewShotVOCDefaultDataset`.

    Args:
        ann_cfg: List of ``dict(method=..., setting=..., ann_root=None, seed=0)``.
        **kwargs: :class:`FewShotCocoDataset` arguments.
    """

    ANN_DIR = 'data/few_shot_ann/coco'

    def __init__(self, ann_cfg: list[dict], **kwargs: Any) -> None:
        super().__init__(ann_cfg=ann_cfg, **kwargs)

    @classmethod
    def default_ann_config(cls) -> dict[str, dict[str, tuple]]:
        """Method -> setting -> ``((path under ANN_DIR, class or None), ...)``; fresh per call."""
        return coco_default_ann_config(cls.SPLIT)

    def ann_cfg_parser(self, ann_cfg: list[dict]) -> list[dict]:
        """Expands the method/setting entries into ``ann_file`` entries and loads them."""
        if not isinstance(ann_cfg, list) or not ann_cfg:
            raise TypeError(f'{type(self).__name__}: ann_cfg must be a non-empty list of dicts')
        table = self.default_ann_config()
        entries: list[dict] = []
        for i, entry in enumerate(ann_cfg):
            template, ann_root, seed = _resolve(type(self).__name__, table, entry, i)
            entries += _expand(template, self.ANN_DIR, ann_root, seed, self.CLASSES)
        return super().ann_cfg_parser(entries)
