"""Training API of MMFewShot 0.x classification (``train_model``), over the shared engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import Dataset

from mmfewshot.classification.core import DistMetaTestEvalHook, MetaTestEvalHook
from mmfewshot.classification.datasets import (
    build_dataloader,
    build_dataset,
    build_meta_test_dataloader,
)
from mmfewshot.engine import FewShotRunner
from mmfewshot.engine import train_model as engine_train_model


def build_meta_test_eval_hooks(
    cfg: Mapping[str, Any], eval_cfg: dict[str, Any], distributed: bool
) -> list[Hook]:
    """The meta-test evaluation hook on ``data.val`` (a ``MetaTestDataset``).

    Args:
        cfg: The config; ``data.val.meta_test_cfg`` configures the episodes.
        eval_cfg: ``evaluation`` (``interval``, ``by_epoch``, ``metric``...).
        distributed: Whether to use :class:`DistMetaTestEvalHook`.

    Returns:
        One :class:`MetaTestEvalHook` (or its distributed version).
    """
    val_cfg = dict(cfg['data']['val'])
    meta_test_cfg = val_cfg.pop('meta_test_cfg', None)
    if meta_test_cfg is None:
        raise KeyError(
            'validation needs data.val.meta_test_cfg (num_episodes, num_ways, support, '
            'query, ...); add it or train with --no-validate'
        )
    val_dataset = build_dataset(val_cfg)
    support, query, test_set = build_meta_test_dataloader(val_dataset, meta_test_cfg)
    hook_cls = DistMetaTestEvalHook if distributed else MetaTestEvalHook
    hook_args = dict(eval_cfg, meta_test_cfg=meta_test_cfg)
    return [
        hook_cls(
            support, query, test_set, num_test_tasks=meta_test_cfg['num_episodes'], **hook_args
        )
    ]


def train_model(
    model: nn.Module,
    dataset: Dataset | Sequence[Dataset],
    cfg: Mapping[str, Any],
    distributed: bool = False,
    validate: bool = False,
    timestamp: str | None = None,
    device: str | None = None,
    meta: dict | None = None,
) -> FewShotRunner:
    """Trains a few-shot classifier (the 0.x ``mmfewshot.classification.apis.train_model``).

    Loaders come from :func:`mmfewshot.classification.datasets.build_dataloader`
    (episodic batches included); with ``validate`` a :class:`MetaTestEvalHook`
    meta-tests on ``data.val`` every ``evaluation.interval`` and keeps
    ``best_accuracy_mean.pth``. See :func:`mmfewshot.engine.train_model`.

    Args:
        model: The classifier.
        dataset: The training dataset (or ``[train, val]`` for a val workflow).
        cfg: The config.
        distributed: Whether this is one process of a distributed run.
        validate: Whether to meta-test during training.
        timestamp: Unused; kept for the 0.x signature.
        device: ``'cpu'``, ``'cuda'`` or ``None`` (CUDA when available).
        meta: Saved in every checkpoint.

    Returns:
        The runner after training.
    """
    return engine_train_model(
        model, dataset, cfg, distributed=distributed, validate=validate, timestamp=timestamp,
        device=device, meta=meta, dataloader_builder=build_dataloader,
        eval_hook_builder=build_meta_test_eval_hooks,
    )  # fmt: skip


__all__ = ['build_meta_test_eval_hooks', 'train_model']
