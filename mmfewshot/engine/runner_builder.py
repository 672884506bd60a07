"""Builds a :class:`FewShotRunner` from a config in either schema and ready dataloaders."""

from __future__ import annotations

import itertools
import os.path as osp
from collections.abc import Mapping
from typing import Any

import torch
from mmengine.config import Config
from torch import nn
from torch.utils.data import DataLoader

from .config_translation import RunnerPlan, translate_config
from .hooks import WorkflowValHook
from .runner import FewShotRunner

_RUN_COUNTER = itertools.count()


def default_work_dir(cfg: Mapping[str, Any]) -> str:
    """``cfg.work_dir``, else ``./work_dirs/<config file name without .py>``."""
    if cfg.get('work_dir'):
        return str(cfg['work_dir'])
    filename = getattr(cfg, 'filename', None)
    if not filename:
        raise KeyError('config has no work_dir and no file name; set work_dir (or --work-dir)')
    return osp.join('./work_dirs', osp.splitext(osp.basename(filename))[0])


def _experiment_name(cfg: Mapping[str, Any]) -> str:
    """A name unique in this process, so message hubs and loggers of runs never mix."""
    filename = getattr(cfg, 'filename', None)
    base = osp.splitext(osp.basename(filename))[0] if filename else 'mmfewshot'
    index = next(_RUN_COUNTER)
    return base if index == 0 else f'{base}_run{index}'


def build_runner(
    model: nn.Module,
    cfg: Mapping[str, Any],
    train_dataloader: DataLoader,
    *,
    plan: RunnerPlan | None = None,
    distributed: bool = False,
    meta: dict | None = None,
    device: str | None = None,
    val_loss_dataloader: DataLoader | None = None,
) -> FewShotRunner:
    """Builds the runner of a training run described by ``cfg``.

    Args:
        model: The built model (it implements ``train_step``).
        cfg: The config, 0.x or mmengine schema (see :func:`translate_config`).
        train_dataloader: The training loader.
        plan: A translation of ``cfg`` made earlier, or ``None`` to translate here.
        distributed: Whether a process group is initialised (the model gets
            wrapped in :class:`FewShotDistributedDataParallel`).
        meta: Saved in every checkpoint (``checkpoint_config.meta`` is added).
        device: ``'cpu'``, ``'cuda'`` or ``None`` for mmengine's choice.
        val_loss_dataloader: Loader of the ``('val', n)`` workflow phase.

    Returns:
        The runner; call ``runner.train()``.

    Raises:
        KeyError: If the config lacks a runner/optimizer or a val loader is missing.
        ValueError: If ``fp16`` is asked for without CUDA.
    """
    plan = plan if plan is not None else translate_config(cfg)
    kwargs = dict(plan.runner_kwargs)
    if kwargs.get('train_cfg') is None:
        raise KeyError(
            "config has no 'runner' (nor 'train_cfg'); add e.g. "
            "runner=dict(type='EpochBasedRunner', max_epochs=12)"
        )
    if kwargs.get('optim_wrapper') is None:
        raise KeyError("config has no 'optimizer'; add e.g. optimizer=dict(type='SGD', lr=0.01)")
    wrapper = kwargs['optim_wrapper']
    if wrapper.get('type') == 'AmpOptimWrapper' and not torch.cuda.is_available():
        raise ValueError(
            'fp16 (AMP) training needs a CUDA GPU and none is available; remove fp16 from the '
            'config to train in float32 on the CPU'
        )
    if plan.val_workflow is not None and val_loss_dataloader is None:
        raise KeyError(
            "workflow has a ('val', n) phase but no val dataset was given; pass "
            '[train_dataset, val_dataset] (tools/train.py builds it from data.val)'
        )
    runner_meta = {**plan.checkpoint_meta, **(meta or {})}
    runner = FewShotRunner(
        model=model,
        work_dir=default_work_dir(cfg),
        train_dataloader=train_dataloader,
        launcher=str(cfg.get('launcher', 'pytorch')) if distributed else 'none',
        cfg=cfg if isinstance(cfg, (Config, dict)) else dict(cfg),
        default_scope='mmfewshot',
        experiment_name=_experiment_name(cfg),
        meta=runner_meta,
        device=device,
        **kwargs,
    )
    if plan.val_workflow is not None:
        assert val_loss_dataloader is not None
        train_ratio, val_ratio = plan.val_workflow
        runner.register_hook(
            WorkflowValHook(val_loss_dataloader, train_ratio, val_ratio, by_epoch=plan.by_epoch)
        )
    return runner


__all__ = ['build_runner', 'default_work_dir']
