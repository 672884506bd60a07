"""Translation of the documented 0.x (mmcv 1.x) config schema into mmengine Runner arguments.

The 0.x keys and what they become:

=====================  ==============================================================
0.x key                mmengine
=====================  ==============================================================
``runner``             ``train_cfg`` loop (``EpochBasedRunner`` -> ``EpochBasedTrainLoop``,
                       ``IterBasedRunner`` -> ``IterBasedTrainLoop``,
                       ``InfiniteEpochBasedRunner`` (or ``EpochBasedRunner`` with
                       ``use_infinite_sampler=True``) -> :class:`InfiniteEpochBasedRunner`)
``optimizer``          ``optim_wrapper.optimizer`` (+ ``paramwise_cfg``, ``constructor``)
``optimizer_config``   ``optim_wrapper.clip_grad`` (``grad_clip``), ``accumulative_counts``
                       (``GradientCumulativeOptimizerHook.cumulative_iters``)
``fp16``               ``AmpOptimWrapper(loss_scale=...)`` (also ``Fp16OptimizerHook``)
``lr_config``          :class:`LegacyLrScheduler` in ``param_scheduler``
``momentum_config``    :class:`LegacyMomentumScheduler` in ``param_scheduler``
``log_config``         ``default_hooks.logger``, ``log_processor`` and visualizer backends
``checkpoint_config``  ``default_hooks.checkpoint``
``evaluation``         :attr:`RunnerPlan.eval_cfg` (for the task's eval hook)
``workflow``           :attr:`RunnerPlan.val_workflow` (losses on the val set)
``dist_params``        ``env_cfg.dist_cfg``
``seed``/``deterministic``  ``randomness``
``load_from``/``resume_from``/``auto_resume``  ``load_from`` + ``resume``
=====================  ==============================================================

As in mmcv's ``IterBasedRunner``, ``by_epoch`` of ``lr_config``,
``momentum_config``, ``checkpoint_config``, the text logger and ``evaluation``
defaults to ``False`` for iteration-based runners and ``True`` otherwise. Keys
already in mmengine's schema pass through unchanged; giving both a 0.x key and
its mmengine counterpart is an error.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mmengine.config import ConfigDict

LOOP_OF_RUNNER = {
    'EpochBasedRunner': 'EpochBasedTrainLoop',
    'IterBasedRunner': 'IterBasedTrainLoop',
    'InfiniteEpochBasedRunner': 'InfiniteEpochBasedRunner',
}
_OPTIMIZER_HOOKS = (
    'OptimizerHook',
    'GradientCumulativeOptimizerHook',
    'Fp16OptimizerHook',
    'GradientCumulativeFp16OptimizerHook',
)
_TEXT_LOGGER_KEYS = ('ignore_last', 'interval_exp_name', 'out_dir', 'out_suffix', 'keep_local')
_CHECKPOINT_KEYS = ('interval', 'by_epoch', 'save_optimizer', 'out_dir', 'max_keep_ckpts')
_CONFLICTS = (
    ('optimizer', 'optim_wrapper'),
    ('lr_config', 'param_scheduler'),
    ('momentum_config', 'param_scheduler'),
    ('runner', 'train_cfg'),
)
_PASSTHROUGH = (
    'val_dataloader', 'val_cfg', 'val_evaluator', 'test_dataloader', 'test_cfg',
    'test_evaluator', 'auto_scale_lr', 'data_preprocessor',
)  # fmt: skip


@dataclass
class RunnerPlan:
    """What a config asks of the runner, in mmengine terms.

    Attributes:
        runner_kwargs: Keyword arguments of :class:`mmengine.runner.Runner`
            (without model, work dir, dataloaders and launcher).
        runner_type: The 0.x runner type (``'IterBasedRunner'``, ...), or
            ``None`` for an mmengine loop config.
        by_epoch: Whether the run counts epochs (not an ``IterBasedRunner``).
        eval_cfg: ``evaluation`` with ``by_epoch`` resolved; ``{}`` if absent.
        val_workflow: ``(train_ratio, val_ratio)`` when ``workflow`` has a
            ``'val'`` phase, else ``None``.
        checkpoint_meta: ``checkpoint_config.meta`` (saved in every checkpoint).
        use_infinite_sampler: ``cfg.use_infinite_sampler``.
    """

    runner_kwargs: dict[str, Any]
    runner_type: str | None
    by_epoch: bool
    eval_cfg: dict[str, Any] = field(default_factory=dict)
    val_workflow: tuple[int, int] | None = None
    checkpoint_meta: dict[str, Any] = field(default_factory=dict)
    use_infinite_sampler: bool = False


def to_plain(value: Any) -> Any:
    """A deep copy with every :class:`ConfigDict` turned into a plain ``dict``."""
    if isinstance(value, ConfigDict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(to_plain(item) for item in value)
    return copy.deepcopy(value)


def _is_loop_cfg(value: Any) -> bool:
    keys = ('type', 'by_epoch', 'max_epochs', 'max_iters')
    return isinstance(value, Mapping) and any(key in value for key in keys)


def _check_conflicts(cfg: Mapping[str, Any]) -> None:
    for legacy, modern in _CONFLICTS:
        if cfg.get(legacy) is None or cfg.get(modern) is None:
            continue
        if modern == 'train_cfg' and not _is_loop_cfg(cfg[modern]):
            continue
        raise ValueError(
            f"config sets both '{legacy}' (0.x schema) and '{modern}' (mmengine schema); "
            f'keep one of them (e.g. add {legacy}=None)'
        )


def _train_loop(cfg: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    if _is_loop_cfg(cfg.get('train_cfg')) and cfg.get('runner') is None:
        return to_plain(cfg['train_cfg']), None
    runner = to_plain(cfg.get('runner'))
    if runner is None and cfg.get('total_epochs') is not None:
        runner = dict(type='EpochBasedRunner', max_epochs=cfg['total_epochs'])
    if runner is None:
        return None, None
    runner_type = runner.pop('type', 'EpochBasedRunner')
    if runner_type not in LOOP_OF_RUNNER:
        raise ValueError(
            f'runner.type={runner_type!r} is not supported; use one of {sorted(LOOP_OF_RUNNER)}'
        )
    if runner_type == 'EpochBasedRunner' and cfg.get('use_infinite_sampler', False):
        runner_type = 'InfiniteEpochBasedRunner'
    length_key = 'max_iters' if runner_type == 'IterBasedRunner' else 'max_epochs'
    if runner.get(length_key) is None:
        raise KeyError(f'runner of type {runner_type} needs {length_key}; add runner.{length_key}')
    return dict(type=LOOP_OF_RUNNER[runner_type], **{length_key: runner[length_key]}), runner_type


def _optim_wrapper(cfg: Mapping[str, Any]) -> dict[str, Any] | None:
    if cfg.get('optim_wrapper') is not None:
        return to_plain(cfg['optim_wrapper'])
    optimizer = to_plain(cfg.get('optimizer'))
    if optimizer is None:
        return None
    if 'type' not in optimizer:
        raise ValueError(
            f"optimizer={optimizer} has no 'type'; write e.g. optimizer=dict(type='SGD', lr=0.01)"
        )
    wrapper: dict[str, Any] = dict(type='OptimWrapper')
    paramwise = optimizer.pop('paramwise_cfg', None)
    constructor = optimizer.pop('constructor', None)
    wrapper['optimizer'] = optimizer
    if paramwise is not None:
        wrapper['paramwise_cfg'] = paramwise
    if constructor not in (None, 'DefaultOptimizerConstructor'):
        wrapper['constructor'] = constructor
    hook = to_plain(cfg.get('optimizer_config')) or {}
    hook_type = hook.pop('type', 'OptimizerHook')
    if hook_type not in _OPTIMIZER_HOOKS:
        raise ValueError(
            f'optimizer_config.type={hook_type!r} is not supported; use one of {_OPTIMIZER_HOOKS}'
        )
    grad_clip = hook.pop('grad_clip', None)
    if grad_clip is not None:
        wrapper['clip_grad'] = dict(grad_clip)
    cumulative_iters = int(hook.pop('cumulative_iters', 1))
    if cumulative_iters < 1:
        raise ValueError(f'optimizer_config.cumulative_iters={cumulative_iters} must be >= 1')
    if cumulative_iters > 1:
        wrapper['accumulative_counts'] = cumulative_iters
    fp16 = to_plain(cfg.get('fp16'))
    if fp16 is None and 'Fp16' in hook_type:
        fp16 = dict(loss_scale=hook.pop('loss_scale', 512.0))
    hook.pop('loss_scale', None)
    hook.pop('distributed', None)
    hook.pop('detect_anomalous_params', None)
    if hook:
        raise ValueError(f'optimizer_config keys {sorted(hook)} are not supported; remove them')
    if fp16 is not None:
        loss_scale = fp16.get('loss_scale', 512.0)
        wrapper['type'] = 'AmpOptimWrapper'
        wrapper['loss_scale'] = float(loss_scale) if isinstance(loss_scale, int) else loss_scale
    return wrapper


def _schedulers(cfg: Mapping[str, Any], by_epoch: bool) -> list[dict[str, Any]] | None:
    if cfg.get('param_scheduler') is not None:
        scheduler = to_plain(cfg['param_scheduler'])
        return scheduler if isinstance(scheduler, list) else [scheduler]
    schedulers = []
    for key, scheduler_type in (
        ('lr_config', 'LegacyLrScheduler'),
        ('momentum_config', 'LegacyMomentumScheduler'),
    ):
        policy_cfg = to_plain(cfg.get(key))
        if policy_cfg is None:
            continue
        if 'policy' not in policy_cfg:
            raise KeyError(f"{key} needs a 'policy', e.g. {key}=dict(policy='step', step=[8, 11])")
        policy_cfg.setdefault('by_epoch', by_epoch)
        schedulers.append(dict(type=scheduler_type, **policy_cfg))
    return schedulers or None


def is_legacy_config(cfg: Mapping[str, Any]) -> bool:
    """Whether ``cfg`` is written in the 0.x schema (it has one of its run-defining keys)."""
    return any(key in cfg for key in ('runner', 'total_epochs', 'optimizer', 'data', 'lr_config'))


def _logging(cfg: Mapping[str, Any], by_epoch: bool, hooks: dict[str, Any]) -> dict[str, Any]:
    """Fills ``hooks['logger']`` and returns ``log_processor`` and ``visualizer`` kwargs.

    A 0.x config without ``log_config`` logs nothing (mmcv registered no logger
    hook); an mmengine-schema config keeps mmengine's default logger.
    """
    log_config = to_plain(cfg.get('log_config'))
    out: dict[str, Any] = {}
    if log_config is None:
        if 'log_config' in cfg or is_legacy_config(cfg):
            hooks['logger'] = None
        return out
    interval = int(log_config.get('interval', 10))
    logger: dict[str, Any] = dict(type='LoggerHook', interval=interval)
    backends: list[dict[str, Any]] = [dict(type='LocalVisBackend')]
    text_by_epoch = by_epoch
    for hook in log_config.get('hooks', [dict(type='TextLoggerHook')]):
        hook = dict(hook)
        hook_type = hook.pop('type')
        if hook_type == 'TextLoggerHook':
            text_by_epoch = hook.get('by_epoch', by_epoch)
            logger.update({key: hook[key] for key in _TEXT_LOGGER_KEYS if key in hook})
        elif hook_type == 'TensorboardLoggerHook':
            backend = dict(type='TensorboardVisBackend')
            if hook.get('log_dir') is not None:
                backend['save_dir'] = hook['log_dir']
            backends.append(backend)
        elif hook_type == 'WandbLoggerHook':
            backends.append(dict(type='WandbVisBackend', init_kwargs=hook.get('init_kwargs')))
        elif hook_type == 'MlflowLoggerHook':
            backends.append(dict(type='MLflowVisBackend', exp_name=hook.get('exp_name')))
        else:
            raise ValueError(
                f'log_config hook {hook_type!r} is not supported; use TextLoggerHook, '
                'TensorboardLoggerHook, WandbLoggerHook or MlflowLoggerHook'
            )
    hooks['logger'] = logger
    out['log_processor'] = dict(window_size=interval, by_epoch=text_by_epoch)
    out['visualizer'] = dict(type='Visualizer', vis_backends=backends)
    return out


def _checkpoint(cfg: Mapping[str, Any], by_epoch: bool) -> tuple[dict[str, Any] | None, dict]:
    checkpoint = to_plain(cfg.get('checkpoint_config'))
    if checkpoint is None:
        return None, {}
    meta = checkpoint.pop('meta', None) or {}
    hook: dict[str, Any] = dict(type='CheckpointHook', interval=-1, by_epoch=by_epoch)
    hook.update({key: checkpoint.pop(key) for key in _CHECKPOINT_KEYS if key in checkpoint})
    hook['save_last'] = checkpoint.pop('save_last', True)
    if 'create_symlink' in checkpoint:
        hook['create_symlink'] = checkpoint.pop('create_symlink')
    checkpoint.pop('sync_buffer', None)
    if checkpoint:
        raise ValueError(f'checkpoint_config keys {sorted(checkpoint)} are not supported')
    return hook, meta


def _workflow(cfg: Mapping[str, Any]) -> tuple[int, int] | None:
    workflow = [tuple(phase) for phase in cfg.get('workflow', [('train', 1)])]
    modes = [phase[0] for phase in workflow]
    valid = (
        len(workflow) in (1, 2)
        and modes[0] == 'train'
        and all(len(phase) == 2 and int(phase[1]) > 0 for phase in workflow)
        and (len(workflow) == 1 or modes[1] == 'val')
    )
    if not valid:
        raise ValueError(
            f'workflow={workflow} is not supported; use [("train", n)] or '
            '[("train", n), ("val", m)] with positive n, m'
        )
    return (int(workflow[0][1]), int(workflow[1][1])) if len(workflow) == 2 else None


def translate_config(cfg: Mapping[str, Any]) -> RunnerPlan:
    """Translates a config (0.x schema, mmengine schema or a mix) into a :class:`RunnerPlan`.

    Args:
        cfg: The full config (``mmengine.Config`` or dict).

    Returns:
        The runner arguments and the extra behaviour the engine adds.

    Raises:
        ValueError: For unsupported values or a 0.x key given with its mmengine twin.
        KeyError: For a missing required key (``lr_config.policy``, ``runner.max_epochs``...).
    """
    _check_conflicts(cfg)
    train_cfg, runner_type = _train_loop(cfg)
    by_epoch = runner_type != 'IterBasedRunner'
    if runner_type is None and train_cfg is not None:
        by_epoch = train_cfg.get('by_epoch', train_cfg.get('type') != 'IterBasedTrainLoop')
    kwargs: dict[str, Any] = dict(
        train_cfg=train_cfg,
        optim_wrapper=_optim_wrapper(cfg),
        param_scheduler=_schedulers(cfg, by_epoch),
        log_level=cfg.get('log_level', 'INFO'),
    )
    hooks: dict[str, Any] = {}
    kwargs.update(_logging(cfg, by_epoch, hooks))
    checkpoint_hook, checkpoint_meta = _checkpoint(cfg, by_epoch)
    if checkpoint_hook is not None or 'checkpoint_config' in cfg or is_legacy_config(cfg):
        hooks['checkpoint'] = checkpoint_hook
    hooks.update(to_plain(cfg.get('default_hooks')) or {})
    kwargs['default_hooks'] = hooks
    kwargs['custom_hooks'] = to_plain(cfg.get('custom_hooks')) or None
    for key in ('log_processor', 'visualizer'):
        if cfg.get(key) is not None:
            kwargs[key] = to_plain(cfg[key])
    env_cfg = to_plain(cfg.get('env_cfg')) or {}
    env_cfg.setdefault('dist_cfg', to_plain(cfg.get('dist_params')) or dict(backend='nccl'))
    if cfg.get('cudnn_benchmark') is not None:
        env_cfg.setdefault('cudnn_benchmark', cfg['cudnn_benchmark'])
    kwargs['env_cfg'] = env_cfg
    randomness = to_plain(cfg.get('randomness')) or {}
    randomness.setdefault('seed', cfg.get('seed'))
    randomness.setdefault('deterministic', bool(cfg.get('deterministic', False)))
    kwargs['randomness'] = randomness
    if cfg.get('resume_from') is not None:
        kwargs.update(load_from=cfg['resume_from'], resume=True)
    else:
        kwargs.update(
            load_from=cfg.get('load_from'),
            resume=bool(cfg.get('resume', False) or cfg.get('auto_resume', False)),
        )
    for key in _PASSTHROUGH:
        if cfg.get(key) is not None:
            kwargs[key] = to_plain(cfg[key])
    eval_cfg = to_plain(cfg.get('evaluation')) or {}
    if eval_cfg:
        eval_cfg.setdefault('by_epoch', by_epoch)
    return RunnerPlan(
        runner_kwargs=kwargs,
        runner_type=runner_type,
        by_epoch=by_epoch,
        eval_cfg=eval_cfg,
        val_workflow=_workflow(cfg),
        checkpoint_meta=checkpoint_meta,
        use_infinite_sampler=bool(cfg.get('use_infinite_sampler', False)),
    )


__all__ = ['LOOP_OF_RUNNER', 'RunnerPlan', 'is_legacy_config', 'to_plain', 'translate_config']
