"""``build_dataset`` and ``build_dataloader`` of the detection task (the 0.x entry points)."""

from __future__ import annotations

import copy
import os.path as osp
from collections.abc import Mapping
from functools import partial
from typing import Any

from mmengine.dist import get_dist_info
from torch.utils.data import Dataset

from mmfewshot.registry import DATASETS
from mmfewshot.utils import build_dataloader as _build_loader
from mmfewshot.utils import multi_pipeline_collate_fn

from .dataloader_wrappers import NWayKShotDataloader, TwoBranchDataloader
from .nway_kshot_dataset import NWayKShotDataset
from .query_aware_dataset import QueryAwareDataset
from .two_branch_dataset import TwoBranchDataset
from .utils import get_copy_dataset_type

_QUERY_SUPPORT = {'QueryAwareDataset': QueryAwareDataset, 'NWayKShotDataset': NWayKShotDataset}


def _as_dict(cfg: Any) -> dict[str, Any]:
    if not isinstance(cfg, Mapping):
        raise TypeError(
            f'a dataset config must be a dict (or a list of dicts), got {type(cfg).__name__}; '
            'fix data.train/val/test in the config'
        )
    return copy.deepcopy(dict(cfg))


def _require(cfg: dict[str, Any], key: str) -> Any:
    if cfg.get(key) is None:
        raise KeyError(
            f'dataset config of type {cfg["type"]!r} needs `{key}`; add it to the config'
        )
    return cfg[key]


def _copied_dataset_cfg(source_cfg: Any, override: dict[str, Any], source: Any) -> dict[str, Any]:
    """Config of a dataset that copies ``source``'s ``data_infos`` (no new sampling)."""
    cfg = _as_dict(source_cfg)
    cfg.update(override)
    cfg['type'] = get_copy_dataset_type(_as_dict(source_cfg)['type'])
    cfg['ann_cfg'] = [dict(data_infos=copy.deepcopy(source.data_infos))]
    cfg.pop('save_dataset', None)
    return cfg


def _build_wrapped(cfg: dict[str, Any], default_args: dict | None) -> Any:
    """Builds the few-shot wrappers and the concatenation/repeat wrappers."""
    kind = cfg['type']
    if kind == 'ConcatDataset':
        datasets = [build_dataset(c, default_args) for c in _require(cfg, 'datasets')]
        rest = {k: v for k, v in cfg.items() if k not in ('type', 'datasets')}
        return DATASETS.build(dict(type='ConcatDataset', datasets=datasets, **rest))
    if kind in ('RepeatDataset', 'ClassBalancedDataset'):
        inner = build_dataset(_require(cfg, 'dataset'), default_args)
        rest = {k: v for k, v in cfg.items() if k not in ('type', 'dataset')}
        return DATASETS.build(dict(type=kind, dataset=inner, **rest))
    if kind in _QUERY_SUPPORT:
        query_cfg = _require(cfg, 'dataset')
        query = build_dataset(query_cfg, default_args)
        support_cfg = cfg.get('support_dataset')
        support = None
        if support_cfg is not None:
            support_cfg = _as_dict(support_cfg)
            if support_cfg.pop('copy_from_query_dataset', False):
                support_cfg = _copied_dataset_cfg(query_cfg, support_cfg, query)
            support = build_dataset(support_cfg, default_args)
        rest = {k: v for k, v in cfg.items() if k not in ('type', 'dataset', 'support_dataset')}
        return _QUERY_SUPPORT[kind](query, support, **rest)
    if kind == 'TwoBranchDataset':
        main_cfg = _require(cfg, 'dataset')
        main = build_dataset(main_cfg, default_args)
        aux_cfg = _as_dict(_require(cfg, 'auxiliary_dataset'))
        if aux_cfg.pop('copy_from_main_dataset', False):
            aux_cfg = _copied_dataset_cfg(main_cfg, aux_cfg, main)
        auxiliary = build_dataset(aux_cfg, default_args)
        rest = {k: v for k, v in cfg.items() if k not in ('type', 'dataset', 'auxiliary_dataset')}
        return TwoBranchDataset(main_dataset=main, auxiliary_dataset=auxiliary, **rest)
    return DATASETS.build(cfg, default_args=default_args)


def build_dataset(
    cfg: Any,
    default_args: dict | None = None,
    rank: int | None = None,
    work_dir: str | None = None,
    timestamp: str | None = None,
) -> Any:
    """Builds a detection dataset from its config, wrappers included.

    * a list or tuple of configs becomes a ``ConcatDataset`` of them;
    * ``ConcatDataset`` (``datasets``), ``RepeatDataset`` (``dataset``,
      ``times``) and ``ClassBalancedDataset`` (``dataset``, ``oversample_thr``)
      wrap the datasets built from their inner configs (the registered
      wrappers, shared with the classification task);
    * ``QueryAwareDataset`` / ``NWayKShotDataset`` build ``dataset`` (the
      query dataset) and the optional ``support_dataset``; with
      ``support_dataset=dict(copy_from_query_dataset=True, ...)`` the support
      dataset is the query config updated with the given keys, built as the
      matching copy dataset over the query dataset's ``data_infos`` (no second
      random shot sampling). The other keys go to the wrapper
      (``num_support_ways``, ``num_support_shots``, ``repeat_times``, ``seed``, ...);
    * ``TwoBranchDataset`` builds ``dataset`` and ``auxiliary_dataset`` (with
      ``copy_from_main_dataset``) the same way;
    * ``save_dataset=True`` in a config makes rank 0 write the dataset's
      infos to ``{work_dir}/{timestamp}_saved_data.json`` (wrappers also
      write their second dataset beside it). The key is read from a copy; the
      caller's config is never modified.

    Args:
        cfg: Dataset config (dict or :class:`mmengine.Config` node), or a list of them.
        default_args: Defaults merged into every leaf dataset config.
        rank: Rank of this process (``None``: the current process-group rank, 0
            without one); only rank 0 saves.
        work_dir: Folder of the saved dataset.
        timestamp: Prefix of the saved file name.

    Returns:
        The dataset.

    Raises:
        ValueError: When ``save_dataset`` is set inside a list of configs, or
            rank 0 must save without ``work_dir``/``timestamp``.
    """
    if isinstance(cfg, (list, tuple)):
        for i, item in enumerate(cfg):
            if isinstance(item, Mapping) and item.get('save_dataset', False):
                raise ValueError(
                    f'save_dataset=True in element {i} of a list of dataset configs; every '
                    'element would write the same file: wrap the list as '
                    "dict(type='ConcatDataset', datasets=[...]) and save the datasets one by one"
                )
        return build_dataset(dict(type='ConcatDataset', datasets=list(cfg)), default_args)
    cfg = _as_dict(cfg)
    if 'type' not in cfg:
        raise KeyError(f'dataset config {sorted(cfg)} has no `type`; add type=... to it')
    save_dataset = bool(cfg.pop('save_dataset', False))
    dataset = _build_wrapped(cfg, default_args)
    if rank is None:
        rank, _ = get_dist_info()
    if save_dataset and rank == 0:
        if work_dir is None or timestamp is None:
            raise ValueError(
                'save_dataset=True needs work_dir and timestamp (got '
                f'work_dir={work_dir!r}, timestamp={timestamp!r}); pass them to build_dataset'
            )
        if not hasattr(dataset, 'save_data_infos'):
            raise TypeError(
                f'save_dataset=True but {type(dataset).__name__} has no save_data_infos; '
                'remove save_dataset from this dataset config'
            )
        dataset.save_data_infos(osp.join(work_dir, f'{timestamp}_saved_data.json'))
    return dataset


def build_dataloader(
    dataset: Dataset,
    samples_per_gpu: int,
    workers_per_gpu: int,
    num_gpus: int = 1,
    dist: bool = True,
    shuffle: bool = True,
    seed: int | None = None,
    data_cfg: Mapping[str, Any] | None = None,
    use_infinite_sampler: bool = False,
    **kwargs: Any,
) -> Any:
    """Builds the dataloader of a detection dataset, few-shot wrappers included.

    Thin over :func:`mmfewshot.utils.build_dataloader` (group sampler when the
    dataset has ``flag`` and ``shuffle`` is set, infinite samplers with
    ``use_infinite_sampler``, distributed ones with ``dist``):

    * plain datasets: :func:`~mmfewshot.utils.collate`;
    * :class:`QueryAwareDataset`: :func:`~mmfewshot.utils.multi_pipeline_collate_fn`;
    * :class:`NWayKShotDataset`: a :class:`NWayKShotDataloader` zipping the
      query loader with a support loader over a copy of the dataset switched
      to support mode, holding one support batch per query batch of every
      rank; ``data_cfg`` may set ``support_samples_per_gpu`` (support batches
      per iteration, default 1) and ``support_workers_per_gpu`` (default
      ``workers_per_gpu``);
    * :class:`TwoBranchDataset`: a :class:`TwoBranchDataloader` of the main
      loader and an auxiliary loader over a copy switched to auxiliary mode;
      ``data_cfg`` may set ``auxiliary_samples_per_gpu`` and
      ``auxiliary_workers_per_gpu`` (defaults: the main values).

    Args:
        dataset: The dataset.
        samples_per_gpu: Batch size per device.
        workers_per_gpu: Loader workers per device.
        num_gpus: Devices of this process (non-distributed only).
        dist: Whether this is one rank of a distributed run.
        shuffle: Whether to shuffle.
        seed: Seed of the samplers and workers.
        data_cfg: The config's ``data`` dict (for the keys above).
        use_infinite_sampler: Whether to use endless samplers.
        **kwargs: Further :class:`~torch.utils.data.DataLoader` arguments.

    Returns:
        A DataLoader, or one of the two paired loaders.
    """
    data_cfg = dict(data_cfg or {})
    common: dict[str, Any] = dict(
        num_gpus=num_gpus, dist=dist, seed=seed, use_infinite_sampler=use_infinite_sampler
    )
    multi = partial(multi_pipeline_collate_fn, samples_per_gpu=samples_per_gpu)
    if isinstance(dataset, QueryAwareDataset):
        kwargs.setdefault('collate_fn', multi)
    if not isinstance(dataset, (NWayKShotDataset, TwoBranchDataset)):
        return _build_loader(
            dataset, samples_per_gpu, workers_per_gpu, shuffle=shuffle, **common, **kwargs
        )
    lead = _build_loader(
        dataset,
        samples_per_gpu,
        workers_per_gpu,
        shuffle=shuffle,
        collate_fn=multi,
        **common,
        **kwargs,
    )
    if isinstance(dataset, NWayKShotDataset):
        _, world_size = get_dist_info()
        support = copy.deepcopy(dataset)
        support.convert_query_to_support(len(lead) * (world_size if dist else num_gpus))
        support_spg = int(data_cfg.get('support_samples_per_gpu', 1))
        support_loader = _build_loader(
            support,
            support_spg,
            int(data_cfg.get('support_workers_per_gpu', workers_per_gpu)),
            shuffle=False,
            collate_fn=partial(multi_pipeline_collate_fn, samples_per_gpu=support_spg),
            **common,
            **kwargs,
        )
        return NWayKShotDataloader(lead, support_loader)
    auxiliary = copy.deepcopy(dataset)
    auxiliary.convert_main_to_auxiliary()
    aux_spg = int(data_cfg.get('auxiliary_samples_per_gpu', samples_per_gpu))
    aux_loader = _build_loader(
        auxiliary,
        aux_spg,
        int(data_cfg.get('auxiliary_workers_per_gpu', workers_per_gpu)),
        shuffle=shuffle,
        collate_fn=partial(multi_pipeline_collate_fn, samples_per_gpu=aux_spg),
        **common,
        **kwargs,
    )
    return TwoBranchDataloader(lead, aux_loader)


__all__ = ['build_dataloader', 'build_dataset']
