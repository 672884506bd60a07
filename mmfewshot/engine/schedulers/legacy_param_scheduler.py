"""Base of the schedulers that reproduce mmcv 1.x ``LrUpdaterHook``/``MomentumUpdaterHook``."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

from mmengine.optim.scheduler.param_scheduler import INF, OptimizerType, _ParamScheduler

from .policies import PolicyFn, check_warmup, make_policy, normalize_policy

_RESUMED_KEYS = ('last_step', '_global_step')


class LegacyParamScheduler(_ParamScheduler, metaclass=ABCMeta):
    """Sets a param-group value before every iteration from a closed-form mmcv 1.x schedule.

    mmcv computed the regular value from the epoch (``by_epoch=True``) or the
    iteration, then applied warmup on top by iteration. This scheduler is
    stepped after every training iteration (mmengine ``by_epoch=False``) and sets
    the value of iteration ``i`` from ``i`` alone, the epoch being
    ``i // iters_per_epoch``. The formulas are in :mod:`.policies`.

    Only the step counters are saved and restored: ``iters_per_epoch``,
    ``max_iters`` and ``max_epochs`` come from the *current* run and the base
    values from the resumed optimizer's ``initial_*`` (as in mmcv), so a run
    resumed with a longer schedule continues exactly like a straight run. The
    value of the resumed iteration is applied again on loading.

    Args:
        optimizer: The optimizer or optimizer wrapper.
        param_name: ``'lr'`` or ``'momentum'``.
        policy: mmcv policy name (``'step'``, ``'CosineAnnealing'``, ...).
        by_epoch: Whether the regular value follows epochs (else iterations).
        warmup: ``None``, ``'constant'``, ``'linear'`` or ``'exp'``.
        warmup_iters: Warmup length in iterations (epochs if ``warmup_by_epoch``).
        warmup_ratio: Warmup ratio ``r`` of the formulas.
        warmup_by_epoch: Whether ``warmup_iters`` counts epochs.
        iters_per_epoch: Iterations per epoch (filled in by the runner).
        max_iters: Total iterations of the run (filled in by the runner).
        max_epochs: Total epochs of the run (filled in by the runner).
        begin: Ignored (always 0); accepted because mmengine passes it.
        end: Ignored (always unbounded); accepted because mmengine passes it.
        last_step: Index of the last step, ``-1`` for a fresh run.
        verbose: Whether to log every update.
        policy_args: The policy's own arguments (``step``, ``gamma``, ``min_lr``...).
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
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
        check_warmup(warmup, warmup_iters, warmup_ratio)
        self.policy = normalize_policy(policy)
        if self.policy == 'Cyclic' and by_epoch:
            raise ValueError(
                "the 'cyclic' policy only supports by_epoch=False; set by_epoch=False in the config"
            )
        self.fn: PolicyFn = make_policy(policy, **policy_args)
        self.policy_by_epoch = by_epoch
        self.warmup = warmup
        self.warmup_ratio = warmup_ratio
        self.iters_per_epoch = _positive('iters_per_epoch', iters_per_epoch)
        self.max_iters = max_iters
        self.max_epochs = max_epochs
        self.warmup_iters = warmup_iters * self.iters_per_epoch if warmup_by_epoch else warmup_iters
        if self.policy in ('Poly', 'CosineAnnealing', 'Cyclic'):
            total = self.max_epochs if by_epoch else self.max_iters
            _positive('max_epochs' if by_epoch else 'max_iters', total)
        if self.policy == 'Cyclic':
            cyclic_times = int(policy_args.get('cyclic_times', 1))
            if cyclic_times <= 0 or int(self.max_iters or 0) // cyclic_times == 0:
                raise ValueError(
                    f'cyclic_times={cyclic_times} must be in [1, max_iters={self.max_iters}]'
                )
        super().__init__(
            optimizer, param_name, begin=0, end=INF, last_step=last_step, by_epoch=False,
            verbose=verbose,
        )  # fmt: skip

    def regular_value(self, base: float, iteration: int) -> float:
        """The value of a group with initial value ``base`` at ``iteration``, before warmup."""
        if self.policy_by_epoch:
            progress, total = iteration // self.iters_per_epoch, self.max_epochs
        else:
            progress, total = iteration, self.max_iters
        return self.fn(base, progress, int(total or 0))

    @abstractmethod
    def warmup_at(self, regular: float, iteration: int) -> float:
        """Applies warmup to a regular value; subclasses give the lr or momentum rule."""

    def _get_value(self) -> list[float]:
        iteration = self.last_step
        values = [self.regular_value(base, iteration) for base in self.base_values]
        if self.warmup is not None and iteration < self.warmup_iters:
            values = [self.warmup_at(value, iteration) for value in values]
        return values

    def step(self) -> None:
        """Moves to the next iteration and sets its value (no begin/end window, no warnings).

        mmengine warns when a scheduler steps before the optimizer; with gradient
        accumulation that is expected (mmcv set the lr before every iteration).
        """
        self._global_step += 1
        self.last_step += 1
        self._apply(self._get_value())

    def _apply(self, values: list[float]) -> None:
        for group, value in zip(self.optimizer.param_groups, values, strict=True):
            group[self.param_name] = value
        self._last_value = [group[self.param_name] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The step counters only (plain ints): the schedule comes from the current config."""
        return {key: getattr(self, key) for key in _RESUMED_KEYS}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restores the counters, re-reads ``initial_*`` and re-applies the current value."""
        for key in _RESUMED_KEYS:
            if key in state_dict:
                setattr(self, key, int(state_dict[key]))
        self.base_values = [
            group[f'initial_{self.param_name}'] for group in self.optimizer.param_groups
        ]
        self._apply(self._get_value())


def _positive(name: str, value: int | None) -> int:
    if value is None or int(value) <= 0:
        raise ValueError(
            f'{name}={value} must be a positive integer; the runner fills it in from the train '
            'loop, so pass it explicitly when building the scheduler by hand'
        )
    return int(value)


__all__ = ['LegacyParamScheduler']
