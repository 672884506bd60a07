"""Learning-rate scheduler reproducing mmcv 1.x ``lr_config`` policies exactly."""

from __future__ import annotations

from typing import Any

from mmengine.optim.scheduler.param_scheduler import INF, OptimizerType

from mmfewshot.registry import PARAM_SCHEDULERS

from .legacy_param_scheduler import LegacyParamScheduler
from .policies import warmup_value


@PARAM_SCHEDULERS.register_module()
class LegacyLrScheduler(LegacyParamScheduler):
    """The learning rate of an mmcv 1.x ``lr_config``, set before every iteration.

    ``lr_config=dict(policy='step', step=[8, 11], warmup='linear', warmup_iters=500,
    warmup_ratio=0.001)`` becomes ``dict(type='LegacyLrScheduler', policy='step',
    step=[8, 11], warmup='linear', ...)``; the formulas are listed in
    :mod:`mmfewshot.engine.schedulers.policies`.

    Args:
        optimizer: The optimizer or optimizer wrapper.
        policy: mmcv policy name.
        by_epoch: Whether the regular lr follows epochs (else iterations).
        warmup: ``None``, ``'constant'``, ``'linear'`` or ``'exp'``.
        warmup_iters: Warmup length in iterations (epochs if ``warmup_by_epoch``).
        warmup_ratio: Ratio of the first warmup lr to the regular lr.
        warmup_by_epoch: Whether ``warmup_iters`` counts epochs.
        iters_per_epoch: Iterations per epoch (filled in by the runner).
        max_iters: Total iterations (filled in by the runner).
        max_epochs: Total epochs (filled in by the runner).
        begin: Ignored, see :class:`LegacyParamScheduler`.
        end: Ignored, see :class:`LegacyParamScheduler`.
        last_step: Index of the last step, ``-1`` for a fresh run.
        verbose: Whether to log every update.
        policy_args: The policy's arguments (``step``, ``gamma``, ``min_lr``, ...).

    Examples:
        >>> import torch
        >>> opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
        >>> sched = LegacyLrScheduler(opt, policy='step', step=[1], iters_per_epoch=2,
        ...                           max_epochs=3, max_iters=6)
        >>> lrs = []
        >>> for _ in range(4):
        ...     lrs.append(round(opt.param_groups[0]['lr'], 6))
        ...     sched.step()
        >>> lrs
        [0.1, 0.1, 0.01, 0.01]
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        policy: str = 'fixed',
        by_epoch: bool = True,
        warmup: str | None = None,
        warmup_iters: int = 0,
        warmup_ratio: float = 0.1,
        warmup_by_epoch: bool = False,
        iters_per_epoch: int | None = None,
        max_iters: int | None = None,
        max_epochs: int | None = None,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        verbose: bool = False,
        **policy_args: Any,
    ) -> None:
        super().__init__(
            optimizer, 'lr', policy=policy, by_epoch=by_epoch, warmup=warmup,
            warmup_iters=warmup_iters, warmup_ratio=warmup_ratio,
            warmup_by_epoch=warmup_by_epoch, iters_per_epoch=iters_per_epoch, max_iters=max_iters,
            max_epochs=max_epochs, begin=begin, end=end, last_step=last_step, verbose=verbose,
            **policy_args,
        )  # fmt: skip

    def warmup_at(self, regular: float, iteration: int) -> float:
        """Applies mmcv's lr warmup: ``constant``, ``linear`` or ``exp`` (see :mod:`.policies`)."""
        assert self.warmup is not None
        return warmup_value(regular, iteration, self.warmup, self.warmup_iters, self.warmup_ratio)


__all__ = ['LegacyLrScheduler']
