"""An mmcv 1.x-style hook base class running on mmengine."""

from __future__ import annotations

from typing import Any

from mmengine.hooks import Hook as MMEngineHook

from ._signatures import STAGE_POINTS, runner_only, takes_runner_only


class Hook(MMEngineHook):
    """Base class for hooks written the 0.x (mmcv 1.x) way.

    Subclasses override any of ``before_run``, ``after_run``, ``before_epoch``,
    ``after_epoch``, ``before_iter``, ``after_iter`` and the train/val
    variants (``before_train_epoch``, ``after_train_iter``, ...) with the 0.x
    signature ``method(self, runner)``. mmengine calls the train/val variants
    with extra arguments (``batch_idx``, ``data_batch``, ``outputs``,
    ``metrics``); overrides that take ``runner`` only are wrapped when the
    subclass is created, so both signatures work. As in mmcv, the train and val
    variants default to the generic ``before_epoch``/``after_epoch``/
    ``before_iter``/``after_iter``.

    The mmcv helpers ``every_n_epochs``, ``every_n_iters``,
    ``every_n_inner_iters``, ``end_of_epoch``, ``is_last_epoch`` and
    ``is_last_iter`` take the runner as in mmcv (``runner.inner_iter``,
    ``runner.data_loader`` come from :class:`~mmfewshot.engine.FewShotRunner`).

    Examples:
        >>> from mmfewshot.registry import HOOKS
        >>> @HOOKS.register_module()
        ... class CountIters(Hook):
        ...     def __init__(self):
        ...         self.count = 0
        ...     def after_iter(self, runner):
        ...         self.count += 1
    """

    priority = 'NORMAL'

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in STAGE_POINTS:
            method = cls.__dict__.get(name)
            if callable(method) and takes_runner_only(method):
                setattr(cls, name, runner_only(method))

    # The generic 0.x points.
    def before_epoch(self, runner: Any) -> None:
        """Called before every train or val epoch (0.x)."""

    def after_epoch(self, runner: Any) -> None:
        """Called after every train or val epoch (0.x)."""

    def before_iter(self, runner: Any) -> None:
        """Called before every train or val iteration (0.x)."""

    def after_iter(self, runner: Any) -> None:
        """Called after every train or val iteration (0.x)."""

    # mmengine's points, routed to the generic ones.
    def before_train_epoch(self, runner: Any) -> None:
        """Defaults to :meth:`before_epoch`."""
        self.before_epoch(runner)

    def after_train_epoch(self, runner: Any) -> None:
        """Defaults to :meth:`after_epoch`."""
        self.after_epoch(runner)

    def before_val_epoch(self, runner: Any) -> None:
        """Defaults to :meth:`before_epoch`."""
        self.before_epoch(runner)

    def after_val_epoch(self, runner: Any, metrics: dict[str, float] | None = None) -> None:
        """Defaults to :meth:`after_epoch`."""
        self.after_epoch(runner)

    def before_train_iter(self, runner: Any, batch_idx: int = 0, data_batch: Any = None) -> None:
        """Defaults to :meth:`before_iter`."""
        self.before_iter(runner)

    def after_train_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """Defaults to :meth:`after_iter`."""
        self.after_iter(runner)

    def before_val_iter(self, runner: Any, batch_idx: int = 0, data_batch: Any = None) -> None:
        """Defaults to :meth:`before_iter`."""
        self.before_iter(runner)

    def after_val_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """Defaults to :meth:`after_iter`."""
        self.after_iter(runner)

    # Points of a ``('val', n)`` workflow phase (see the engine's workflow hook).
    def before_legacy_val_epoch(self, runner: Any) -> None:
        """Workflow val phase: :meth:`before_val_epoch`."""
        self.before_val_epoch(runner)

    def after_legacy_val_epoch(self, runner: Any) -> None:
        """Workflow val phase: :meth:`after_val_epoch`."""
        self.after_val_epoch(runner)

    def before_legacy_val_iter(self, runner: Any) -> None:
        """Workflow val phase: :meth:`before_val_iter`."""
        self.before_val_iter(runner)

    def after_legacy_val_iter(self, runner: Any) -> None:
        """Workflow val phase: :meth:`after_val_iter`."""
        self.after_val_iter(runner)

    # mmcv 1.x helpers.
    def every_n_iters(self, runner: Any, n: int) -> bool:
        """Whether ``runner.iter + 1`` is a multiple of ``n``."""
        return (runner.iter + 1) % n == 0 if n > 0 else False

    def every_n_inner_iters(self, runner: Any, n: int) -> bool:
        """Whether the index in the epoch plus one is a multiple of ``n``.

        Args:
            runner: The runner (mmcv form) or the batch index (mmengine form).
            n: The interval.
        """
        inner = runner if isinstance(runner, int) else runner.inner_iter
        return (inner + 1) % n == 0 if n > 0 else False

    def end_of_epoch(self, runner: Any, batch_idx: int | None = None) -> bool:
        """Whether the current iteration is the last of its epoch.

        Args:
            runner: The runner (mmcv form) or the dataloader (mmengine form).
            batch_idx: The batch index (mmengine form only).
        """
        if batch_idx is not None:
            return batch_idx + 1 == len(runner)
        return runner.inner_iter + 1 == len(runner.data_loader)

    def is_last_epoch(self, runner: Any) -> bool:
        """Whether the current epoch is the last one."""
        return runner.epoch + 1 == runner.max_epochs

    def is_last_iter(self, runner: Any) -> bool:
        """Whether the current iteration is the last one."""
        return runner.iter + 1 == runner.max_iters


__all__ = ['Hook']
