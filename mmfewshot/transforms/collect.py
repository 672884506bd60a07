"""Collect: keeps the model inputs and gathers image meta into ``img_metas``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.utils import DataContainer

# Union of the mmcls 0.x and mmdet 2.x defaults, in mmdet's order.
DEFAULT_META_KEYS = (
    'filename',
    'ori_filename',
    'ori_shape',
    'img_shape',
    'pad_shape',
    'scale_factor',
    'flip',
    'flip_direction',
    'img_norm_cfg',
)


def collect_meta(
    results: dict[str, Any], meta_keys: Sequence[str] | None, transform: str
) -> dict[str, Any]:
    """Gathers the image meta of one sample.

    Args:
        results: The sample dict.
        meta_keys: Keys to gather; ``None`` gathers those of :data:`DEFAULT_META_KEYS`
            that are present.
        transform: Name of the calling transform, used in error messages.

    Returns:
        The meta dict.
    """
    if meta_keys is None:
        return {key: results[key] for key in DEFAULT_META_KEYS if key in results}
    missing = [key for key in meta_keys if key not in results]
    if missing:
        raise KeyError(
            f'{transform} meta_keys {missing} are not in the results (present: {sorted(results)}); '
            'remove them from meta_keys or add the transform that sets them'
        )
    return {key: results[key] for key in meta_keys}


def collect_keys(results: dict[str, Any], keys: Sequence[str], transform: str) -> dict[str, Any]:
    """Returns ``{key: results[key]}``, raising one clear line for missing keys."""
    missing = [key for key in keys if key not in results]
    if missing:
        raise KeyError(
            f'{transform} keys {missing} are not in the results (present: {sorted(results)}); '
            'fix the keys argument or add the transform that produces them'
        )
    return {key: results[key] for key in keys}


@TRANSFORMS.register_module()
class Collect:
    """Keeps ``keys`` and puts the image meta into ``img_metas`` (a CPU-only DataContainer).

    Args:
        keys: Result keys passed to the model (e.g. ``['img', 'gt_label']``).
        meta_keys: Keys gathered into ``img_metas``. When omitted, those of
            ``filename, ori_filename, ori_shape, img_shape, pad_shape, scale_factor,
            flip, flip_direction, img_norm_cfg`` that are present (the union of the
            mmcls 0.x and mmdet 2.x defaults); explicit keys must all be present.
    """

    def __init__(self, keys: Sequence[str], meta_keys: Sequence[str] | None = None) -> None:
        if isinstance(keys, str):
            raise TypeError(f'Collect keys must be a list, got the string {keys!r}; use [{keys!r}]')
        if isinstance(meta_keys, str):
            raise TypeError(
                f'Collect meta_keys must be a list, got the string {meta_keys!r}; '
                f'use [{meta_keys!r}]'
            )
        self.keys = list(keys)
        self.meta_keys = tuple(meta_keys) if meta_keys is not None else None

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Returns ``{'img_metas': DataContainer(meta, cpu_only=True), key: value, ...}``."""
        meta = collect_meta(results, self.meta_keys, 'Collect')
        data = {'img_metas': DataContainer(meta, cpu_only=True)}
        data.update(collect_keys(results, self.keys, 'Collect'))
        return data

    def __repr__(self) -> str:
        meta = self.meta_keys if self.meta_keys is not None else DEFAULT_META_KEYS
        return f'{self.__class__.__name__}(keys={self.keys}, meta_keys={meta})'
