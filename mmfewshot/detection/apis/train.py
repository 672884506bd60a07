"""Training API of MMFewShot 0.x detection (``train_detector``), over the shared engine."""

from __future__ import annotations

import copy
import importlib
import warnings
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mmfewshot.detection.datasets import build_dataloader, build_dataset, get_copy_dataset_type
from mmfewshot.engine import DistEvalHook, EvalHook, FewShotRunner
from mmfewshot.engine import train_model as engine_train_model


def _model_init_loader(
    cfg: Mapping[str, Any], train_dataset: Dataset, distributed: bool, meta: dict
) -> DataLoader:
    """The loader of ``data.model_init`` (support images of query-support detectors).

    With ``copy_from_train_dataset=True`` the dataset copies the support infos
    of the training dataset. The annotation config used is stored in ``meta``
    (``model_init_ann_cfg``), so a checkpoint can initialise the model at test time.
    """
    init_cfg = dict(copy.deepcopy(cfg['data']['model_init']))
    samples_per_gpu = init_cfg.pop('samples_per_gpu', 1)
    workers_per_gpu = init_cfg.pop('workers_per_gpu', 1)
    if init_cfg.pop('copy_from_train_dataset', False):
        if init_cfg.get('ann_cfg') is not None:
            warnings.warn(
                'data.model_init copies the support data of the training dataset; its ann_cfg '
                'is discarded',
                UserWarning,
                stacklevel=3,
            )
        if not hasattr(train_dataset, 'get_support_data_infos'):
            raise TypeError(
                f'data.model_init.copy_from_train_dataset needs a training dataset with '
                f'get_support_data_infos() (e.g. NWayKShotDataset), got '
                f'{type(train_dataset).__name__}; set ann_cfg instead'
            )
        init_cfg['type'] = get_copy_dataset_type(init_cfg['type'])
        init_cfg['ann_cfg'] = [dict(data_infos=train_dataset.get_support_data_infos())]
    meta['model_init_ann_cfg'] = init_cfg.get('ann_cfg')
    dataset = build_dataset(init_cfg)
    return build_dataloader(
        dataset, samples_per_gpu, workers_per_gpu, dist=distributed, shuffle=False
    )


def _eval_hooks(
    cfg: Mapping[str, Any],
    eval_cfg: dict[str, Any],
    distributed: bool,
    model_init_loader: DataLoader | None,
) -> list[Hook]:
    data = cfg['data']
    val_cfg = dict(copy.deepcopy(data['val']))
    samples_per_gpu = val_cfg.pop('samples_per_gpu', 1)
    val_dataset = build_dataset(val_cfg, dict(test_mode=True))
    val_loader = build_dataloader(
        val_dataset, samples_per_gpu, data.get('workers_per_gpu', 2), dist=distributed,
        shuffle=False,
    )  # fmt: skip
    if model_init_loader is None:
        hook_cls: Any = DistEvalHook if distributed else EvalHook
        return [hook_cls(val_loader, **eval_cfg)]
    core = importlib.import_module('mmfewshot.detection.core')
    name = 'QuerySupportDistEvalHook' if distributed else 'QuerySupportEvalHook'
    if not hasattr(core, name):
        raise ImportError(
            f'mmfewshot.detection.core has no {name}; it is needed by data.model_init'
        )
    return [getattr(core, name)(model_init_loader, val_loader, **eval_cfg)]


def train_detector(
    model: nn.Module,
    dataset: Dataset | Sequence[Dataset],
    cfg: Mapping[str, Any],
    distributed: bool = False,
    validate: bool = False,
    timestamp: str | None = None,
    meta: dict | None = None,
) -> FewShotRunner:
    """Trains a few-shot detector (the 0.x ``mmfewshot.detection.apis.train_detector``).

    Loaders come from :func:`mmfewshot.detection.datasets.build_dataloader`
    (``data`` is passed as ``data_cfg``, so paired loaders of NWayKShot and
    TwoBranch datasets work). With ``validate``, ``data.val`` is evaluated by
    :class:`~mmfewshot.engine.EvalHook` (``DistEvalHook`` when distributed); a
    config with ``data.model_init`` (query-support detectors) uses
    ``QuerySupportEvalHook``, which initialises the model on the support set
    first, and records ``model_init_ann_cfg`` in the checkpoints.

    Args:
        model: The detector.
        dataset: The training dataset (or ``[train, val]`` for a val workflow).
        cfg: The config.
        distributed: Whether this is one process of a distributed run.
        validate: Whether to evaluate during training.
        timestamp: Unused; kept for the 0.x signature.
        meta: Saved in every checkpoint.

    Returns:
        The runner after training.
    """
    datasets: list[Dataset] = (
        list(dataset) if isinstance(dataset, (list, tuple)) else [dataset]  # type: ignore[list-item]
    )
    meta = dict(meta or {})
    model_init_loader = None
    if validate and cfg['data'].get('model_init') is not None:
        model_init_loader = _model_init_loader(cfg, datasets[0], distributed, meta)

    def eval_hook_builder(
        cfg: Mapping[str, Any], eval_cfg: dict[str, Any], distributed: bool
    ) -> list[Hook]:
        return _eval_hooks(cfg, eval_cfg, distributed, model_init_loader)

    return engine_train_model(
        model, datasets, cfg, distributed=distributed, validate=validate, timestamp=timestamp,
        meta=meta, dataloader_builder=partial(build_dataloader, data_cfg=dict(cfg['data'])),
        eval_hook_builder=eval_hook_builder,
    )  # fmt: skip


__all__ = ['train_detector']
