"""The documented 0.x dataset builders of the classification task.

``build_dataset``, ``build_dataloader`` and ``build_meta_test_dataloader`` are
thin user-facing builders (STYLE rule 7); the package itself builds through
``DATASETS``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import partial
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmfewshot.registry import DATASETS
from mmfewshot.utils import build_dataloader as _build_loader
from mmfewshot.utils import collate, multi_pipeline_collate_fn
from mmfewshot.utils.dataset_wrappers import ClassBalancedDataset, ConcatDataset, RepeatDataset

from .dataset_wrappers import EpisodicDataset, MetaTestDataset

_INNER_KEY = {
    'RepeatDataset': 'dataset',
    'ClassBalancedDataset': 'dataset',
    'EpisodicDataset': 'dataset',
    'MetaTestDataset': 'dataset',
}
_WRAPPERS: dict[str, type] = {
    'RepeatDataset': RepeatDataset,
    'ClassBalancedDataset': ClassBalancedDataset,
    'EpisodicDataset': EpisodicDataset,
    'MetaTestDataset': MetaTestDataset,
}


def _as_dict(cfg: Any, where: str) -> dict[str, Any]:
    if not isinstance(cfg, Mapping):
        raise TypeError(
            f'{where} must be a dataset config dict (or a list of them), got '
            f'{type(cfg).__name__}; fix the data section of the config'
        )
    cfg = copy.deepcopy(dict(cfg))
    if 'type' not in cfg:
        raise KeyError(f"{where} has no 'type' key; add type='...' (e.g. 'GlyphsDataset')")
    return cfg


def _build_inner(cfg: dict[str, Any], key: str, default_args: dict | None) -> Any:
    if cfg.get(key) is None:
        raise KeyError(f'dataset config of type {cfg["type"]!r} needs `{key}`; add it')
    inner = cfg.pop(key)
    if isinstance(inner, Mapping | list | tuple):
        return build_dataset(inner, default_args)
    return inner  # an already built dataset


def build_dataset(cfg: Any, default_args: dict | None = None) -> Any:
    """Builds a classification dataset from its config, wrappers included.

    * a list or tuple of configs becomes a :class:`ConcatDataset` of them;
    * ``ConcatDataset`` (``datasets``), ``RepeatDataset`` (``dataset``,
      ``times``), ``ClassBalancedDataset`` (``dataset``, ``oversample_thr``),
      ``EpisodicDataset`` and ``MetaTestDataset`` (``dataset``, ``num_episodes``,
      ``num_ways``, ``num_shots``, ``num_queries``, ``episodes_seed``) first
      build their inner dataset config(s), with ``default_args``; a
      ``MetaTestDataset`` config's ``meta_test_cfg`` is ignored (it configures
      the loaders, see :func:`build_meta_test_dataloader`);
    * anything else is built through ``DATASETS``.

    Args:
        cfg: Dataset config (dict or mmengine ``Config``), or a list of them.
        default_args: Default arguments for the (innermost) datasets.

    Returns:
        The dataset.
    """
    if isinstance(cfg, list | tuple):
        return ConcatDataset([build_dataset(c, default_args) for c in cfg])
    cfg = _as_dict(cfg, 'the dataset config')
    kind = cfg['type']
    if kind == 'ConcatDataset':
        parts = cfg.pop('datasets', None)
        if not isinstance(parts, list | tuple) or not parts:
            raise KeyError('ConcatDataset config needs `datasets`, a non-empty list; add it')
        cfg.pop('type')
        return ConcatDataset([build_dataset(c, default_args) for c in parts], **cfg)
    if kind in _WRAPPERS:
        inner = _build_inner(cfg, _INNER_KEY[kind], default_args)
        cfg.pop('type')
        if kind == 'MetaTestDataset':
            # configs keep the loader settings beside the dataset (data.test.meta_test_cfg);
            # they are read by build_meta_test_dataloader, not by the dataset
            cfg.pop('meta_test_cfg', None)
        return _WRAPPERS[kind](inner, **cfg)
    return DATASETS.build(cfg, default_args=default_args)


def _is_episodic(dataset: Any) -> bool:
    seen = 0
    while dataset is not None and seen < 16:
        if isinstance(dataset, EpisodicDataset):
            return True
        dataset, seen = getattr(dataset, 'dataset', None), seen + 1
    return False


def build_dataloader(
    dataset: Any,
    samples_per_gpu: int,
    workers_per_gpu: int,
    num_gpus: int = 1,
    dist: bool = True,
    shuffle: bool = True,
    round_up: bool = True,
    seed: int | None = None,
    pin_memory: bool = False,
    use_infinite_sampler: bool = False,
    **kwargs: Any,
) -> DataLoader:
    """Builds a training or test dataloader (mmcv 1.x semantics).

    The same as :func:`mmfewshot.utils.build_dataloader` (see there for the
    samplers and batch sizes), except that episodic datasets (an
    :class:`EpisodicDataset`, possibly inside repeat wrappers) are collated
    with :func:`~mmfewshot.utils.multi_pipeline_collate_fn`, so one batch
    holds ``support_data`` and ``query_data`` dicts of stacked images.

    Args:
        dataset: The dataset.
        samples_per_gpu: Samples (episodes, for episodic datasets) per device.
        workers_per_gpu: Loader workers per device.
        num_gpus: Devices of this process (non-distributed only).
        dist: Whether this is one rank of a distributed run.
        shuffle: Whether to shuffle.
        round_up: Whether distributed sampling pads to equal shards.
        seed: Seed of the samplers and workers.
        pin_memory: Whether to pin memory.
        use_infinite_sampler: Whether to sample endlessly.
        **kwargs: Further DataLoader arguments (they override the above).

    Returns:
        The dataloader.
    """
    if _is_episodic(dataset) and 'collate_fn' not in kwargs:
        kwargs['collate_fn'] = partial(multi_pipeline_collate_fn, samples_per_gpu=samples_per_gpu)
    return _build_loader(
        dataset,
        samples_per_gpu,
        workers_per_gpu,
        num_gpus=num_gpus,
        dist=dist,
        shuffle=shuffle,
        round_up=round_up,
        seed=seed,
        pin_memory=pin_memory,
        use_infinite_sampler=use_infinite_sampler,
        **kwargs,
    )


def _loader_cfg(meta_test_cfg: Mapping, part: str, required: bool) -> tuple[int, int, bool]:
    sub = meta_test_cfg.get(part)
    if sub is None:
        if required:
            raise KeyError(
                f'meta_test_cfg has no `{part}`; add {part}=dict(batch_size=..., num_workers=...)'
            )
        sub = {}
    if not isinstance(sub, Mapping):
        raise TypeError(f'meta_test_cfg.{part} must be a dict, got {type(sub).__name__}')
    batch_size = sub.get('batch_size', None if required else 16)
    if batch_size is None:
        raise KeyError(f'meta_test_cfg.{part} has no batch_size; add batch_size=...')
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f'meta_test_cfg.{part}.batch_size={batch_size!r} must be an integer >= 1')
    return batch_size, int(sub.get('num_workers', 0)), bool(sub.get('drop_last', False))


def build_meta_test_dataloader(
    dataset: MetaTestDataset, meta_test_cfg: Mapping
) -> tuple[DataLoader, DataLoader, DataLoader | None]:
    """Builds the support, query and (for fast test) test-set loaders of meta-testing.

    The three loaders serve views (``copy.copy``) of ``dataset`` in the
    ``support``, ``query`` and ``test_set`` modes; the views share the
    current task and the feature cache, so ``set_task_id`` or ``cache_feats``
    on any of them applies to all. The support loader shuffles with a
    generator seeded by ``meta_test_cfg.get('seed', 0)`` (a fresh order for
    each task, the same across runs); the others keep the order.

    Args:
        dataset: The meta-test dataset.
        meta_test_cfg: ``num_episodes``, ``num_ways``, ``num_shots``,
            ``num_queries``, ``fast_test``, ``test_set=dict(batch_size,
            num_workers)``, ``support=dict(batch_size, num_workers, drop_last,
            ...)`` and ``query=dict(batch_size, num_workers)``.

    Returns:
        ``(support_loader, query_loader, test_set_loader)``; the last is
        ``None`` unless ``meta_test_cfg.fast_test`` is true.
    """
    if not isinstance(dataset, MetaTestDataset):
        raise TypeError(
            f'build_meta_test_dataloader needs a MetaTestDataset, got {type(dataset).__name__}; '
            "build data.val/test with type='MetaTestDataset'"
        )
    if not isinstance(meta_test_cfg, Mapping):
        raise TypeError(f'meta_test_cfg must be a dict, got {type(meta_test_cfg).__name__}')
    seed = int(meta_test_cfg.get('seed', 0))

    def loader(mode: str, shuffle: bool, required: bool) -> DataLoader:
        batch_size, num_workers, drop_last = _loader_cfg(meta_test_cfg, mode, required)
        view = copy.copy(dataset).set_mode(mode)
        # One generator per loader: iterating one loader never shifts another's order.
        generator = torch.Generator()
        generator.manual_seed(seed)
        return DataLoader(
            view,
            batch_size=batch_size,
            shuffle=shuffle,
            num_workers=num_workers,
            collate_fn=partial(collate, samples_per_gpu=batch_size),
            drop_last=drop_last,
            generator=generator,
        )

    support = loader('support', True, True)
    query = loader('query', False, True)
    test_set = loader('test_set', False, False) if meta_test_cfg.get('fast_test', False) else None
    return support, query, test_set
