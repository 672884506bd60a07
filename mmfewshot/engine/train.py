"""The task-agnostic training entry point shared by classification and detection."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch.distributed as torch_dist
from mmengine.hooks import Hook as MMEngineHook
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mmfewshot.registry import DATASETS
from mmfewshot.utils import build_dataloader

from .config_translation import translate_config
from .hooks import DistEvalHook, EvalHook
from .runner import FewShotRunner
from .runner_builder import build_runner

DataLoaderBuilder = Callable[..., DataLoader]
"""``(dataset, samples_per_gpu, workers_per_gpu, *, num_gpus, dist, seed, pin_memory,
use_infinite_sampler, ...) -> DataLoader``, e.g. :func:`mmfewshot.utils.build_dataloader`."""
EvalHookBuilder = Callable[[Mapping[str, Any], dict[str, Any], bool], Sequence[MMEngineHook]]
"""``(cfg, eval_cfg, distributed) -> hooks``; ``eval_cfg`` is ``evaluation`` with
``by_epoch`` resolved."""


def build_train_dataloaders(
    datasets: Sequence[Dataset],
    cfg: Mapping[str, Any],
    distributed: bool,
    builder: DataLoaderBuilder | None = None,
) -> list[DataLoader]:
    """One training loader per dataset, as the 0.x train APIs built them.

    Args:
        datasets: The training dataset (and the workflow's val dataset).
        cfg: The config (``data.samples_per_gpu``, ``data.workers_per_gpu``,
            ``seed``, ``pin_memory``, ``use_infinite_sampler``).
        distributed: Whether to shard with a distributed sampler.
        builder: The task's loader builder (default :func:`mmfewshot.utils.build_dataloader`).

    Returns:
        The loaders, in the order of ``datasets``.
    """
    data = cfg.get('data') or {}
    if 'samples_per_gpu' not in data:
        raise KeyError('config needs data.samples_per_gpu (the batch size of each process)')
    build = builder or build_dataloader
    return [
        build(
            dataset,
            data['samples_per_gpu'],
            data.get('workers_per_gpu', 2),
            num_gpus=1,
            dist=distributed,
            seed=cfg.get('seed'),
            pin_memory=bool(cfg.get('pin_memory', False)),
            use_infinite_sampler=bool(cfg.get('use_infinite_sampler', False)),
        )
        for dataset in datasets
    ]


def default_eval_hooks(
    cfg: Mapping[str, Any],
    eval_cfg: dict[str, Any],
    distributed: bool,
    builder: DataLoaderBuilder | None = None,
) -> list[MMEngineHook]:
    """A generic :class:`EvalHook` (or :class:`DistEvalHook`) on ``data.val``.

    The val dataset is built by registered name with ``test_mode=True``; its
    loader uses ``data.val.samples_per_gpu`` (default 1) and no shuffling.
    """
    data = cfg.get('data') or {}
    if data.get('val') is None:
        raise KeyError('validation needs data.val in the config (or use --no-validate)')
    val_cfg = dict(data['val'])
    samples_per_gpu = val_cfg.pop('samples_per_gpu', 1)
    dataset = DATASETS.build(val_cfg, default_args=dict(test_mode=True))
    loader = (builder or build_dataloader)(
        dataset,
        samples_per_gpu,
        data.get('workers_per_gpu', 2),
        num_gpus=1,
        dist=distributed,
        shuffle=False,
    )
    hook_cls = DistEvalHook if distributed else EvalHook
    return [hook_cls(loader, **eval_cfg)]


def train_model(
    model: nn.Module,
    dataset: Dataset | Sequence[Dataset],
    cfg: Mapping[str, Any],
    distributed: bool = False,
    validate: bool = False,
    timestamp: str | None = None,
    device: str | None = None,
    meta: dict | None = None,
    *,
    dataloader_builder: DataLoaderBuilder | None = None,
    eval_hook_builder: EvalHookBuilder | None = None,
) -> FewShotRunner:
    """Trains ``model`` as the 0.x ``train_model``/``train_detector`` did, on an mmengine runner.

    Args:
        model: The built model (its ``train_step`` does forward, backward and update).
        dataset: The training dataset, or ``[train, val]`` when ``workflow``
            has a ``('val', n)`` phase.
        cfg: The config (0.x or mmengine schema).
        distributed: Whether this is one process of a distributed run (the
            process group must be initialised, see :func:`mmfewshot.utils.compat.init_dist`).
        validate: Whether to evaluate during training (``evaluation`` config).
        timestamp: Unused; kept for the 0.x signature (the runner stamps its logs).
        device: ``'cpu'``, ``'cuda'`` or ``None`` (CUDA when available).
        meta: Saved in every checkpoint (environment, seed, config text...).
        dataloader_builder: The task's dataloader builder.
        eval_hook_builder: Builds the task's evaluation hooks; the generic
            :func:`default_eval_hooks` when ``None``.

    Returns:
        The runner after training.
    """
    if distributed and not torch_dist.is_initialized():
        raise RuntimeError(
            'distributed=True but no process group is initialised; call '
            'mmfewshot.utils.compat.init_dist(launcher) first (tools/train.py --launcher pytorch)'
        )
    datasets: list[Dataset] = (
        list(dataset) if isinstance(dataset, (list, tuple)) else [dataset]  # type: ignore[list-item]
    )
    plan = translate_config(cfg)
    loaders = build_train_dataloaders(datasets, cfg, distributed, dataloader_builder)
    runner = build_runner(
        model, cfg, loaders[0], plan=plan, distributed=distributed, meta=meta, device=device,
        val_loss_dataloader=loaders[1] if len(loaders) > 1 else None,
    )  # fmt: skip
    if validate:
        eval_cfg = dict(plan.eval_cfg) or dict(by_epoch=plan.by_epoch)
        if eval_hook_builder is not None:
            hooks = list(eval_hook_builder(cfg, eval_cfg, distributed))
        else:
            hooks = default_eval_hooks(cfg, eval_cfg, distributed, dataloader_builder)
        for hook in hooks:
            runner.register_hook(hook, priority='LOW')
    runner.train()
    return runner


__all__ = [
    'DataLoaderBuilder',
    'EvalHookBuilder',
    'build_train_dataloaders',
    'default_eval_hooks',
    'train_model',
]
