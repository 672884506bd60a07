"""Momentum scheduler reproducing mmcv 1.x ``momentum_config`` policies exactly."""

from __future__ import annotations

from typing import Any

from mmengine.optim.scheduler.param_scheduler import INF, OptimizerType

from mmfewshot.registry import PARAM_SCHEDULERS

from .legacy_param_scheduler import LegacyParamScheduler
from .policies import normalize_policy, warmup_momentum


@PARAM_SCHEDULERS.register_module()
class LegacyMomentumScheduler(LegacyParamScheduler):
    """The momentum of an mmcv 1.x ``momentum_config`` (e.g. ``policy='cyclic'``).

    SGD-like optimizers get ``momentum``; Adam-like ones get ``betas[0]``, as
    in mmcv. Policies and arguments are those of :class:`LegacyLrScheduler`
    (``min_lr``/``min_lr_ratio`` name the momentum floor for ``step`` and
    ``CosineAnnealing``, as mmcv's ``min_momentum``/``min_momentum_ratio``);
    warmup divides instead of multiplying (see :mod:`.policies`). mmcv's momentum
    defaults apply: ``gamma=0.5`` for ``step`` and ``target_ratio=(0.85 / 0.95, 1)``
    for ``cyclic``.

    Args:
        optimizer: The optimizer or optimizer wrapper.
        policy: mmcv policy name.
        by_epoch: Whether the regular momentum follows epochs (else iterations).
        warmup: ``None``, ``'constant'``, ``'linear'`` or ``'exp'``.
        warmup_iters: Warmup length in iterations.
        warmup_ratio: Warmup ratio of the formulas.
        iters_per_epoch: Iterations per epoch (filled in by the runner).
        max_iters: Total iterations (filled in by the runner).
        max_epochs: Total epochs (filled in by the runner).
        begin: Ignored, see :class:`LegacyParamScheduler`.
        end: Ignored, see :class:`LegacyParamScheduler`.
        last_step: Index of the last step, ``-1`` for a fresh run.
        verbose: Whether to log every update.
        policy_args: The policy's arguments (``target_ratio``, ``step_ratio_up``, ...).
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        policy: str = 'fixed',
        by_epoch: bool = True,
        warmup: str | None = None,
        warmup_iters: int = 0,
        warmup_ratio: float = 0.1,
        iters_per_epoch: int | None = None,
        max_iters: int | None = None,
        max_epochs: int | None = None,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        verbose: bool = False,
        **policy_args: Any,
    ) -> None:
        defaults = optimizer.defaults
        if 'momentum' in defaults:
            self.use_betas = False
        elif 'betas' in defaults:
            self.use_betas = True
            for group in optimizer.param_groups:
                group['momentum'] = group['betas'][0]
        else:
            raise ValueError(
                f'{type(optimizer).__name__} has neither momentum nor betas; remove '
                'momentum_config or use an optimizer with momentum (SGD, Adam, ...)'
            )
        for old, new in (('min_momentum', 'min_lr'), ('min_momentum_ratio', 'min_lr_ratio')):
            if old in policy_args:
                policy_args[new] = policy_args.pop(old)
        # mmcv's momentum hooks have their own defaults.
        if normalize_policy(policy) == 'Step':
            policy_args.setdefault('gamma', 0.5)
        if normalize_policy(policy) == 'Cyclic':
            policy_args.setdefault('target_ratio', (0.85 / 0.95, 1.0))
        super().__init__(
            optimizer, 'momentum', policy=policy, by_epoch=by_epoch, warmup=warmup,
            warmup_iters=warmup_iters, warmup_ratio=warmup_ratio, iters_per_epoch=iters_per_epoch,
            max_iters=max_iters, max_epochs=max_epochs, begin=begin, end=end,
            last_step=last_step, verbose=verbose, **policy_args,
        )  # fmt: skip

    def warmup_at(self, regular: float, iteration: int) -> float:
        """Applies mmcv's momentum warmup (the lr warmup factor divides instead of multiplying)."""
        assert self.warmup is not None
        return warmup_momentum(
            regular, iteration, self.warmup, self.warmup_iters, self.warmup_ratio
        )

    def _sync_betas(self) -> None:
        if self.use_betas:
            for group in self.optimizer.param_groups:
                group['betas'] = (group['momentum'], group['betas'][1])

    def _apply(self, values: list[float]) -> None:
        """Sets the momentum and mirrors it into ``betas[0]`` for Adam-like optimizers."""
        super()._apply(values)
        self._sync_betas()


__all__ = ['LegacyMomentumScheduler']
