"""Adapter that lets hooks written for mmcv 1.x run on an mmengine Runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mmengine.hooks import Hook as MMEngineHook

from ._signatures import FORWARDED_POINTS, GENERIC_OF_POINT, STAGE_POINTS, takes_runner_only
from .hook import Hook

_GENERIC = ('before_epoch', 'after_epoch', 'before_iter', 'after_iter')


def _overrides(hook: Any, name: str) -> bool:
    """Whether ``hook``'s class defines ``name`` itself rather than inheriting mmengine's no-op."""
    method = getattr(type(hook), name, None)
    return method is not None and method is not getattr(MMEngineHook, name, None)


def needs_adapter(hook: Any) -> bool:
    """Whether ``hook`` is a 0.x hook that mmengine would not call correctly.

    True for hooks that are not :class:`mmfewshot.engine.Hook` subclasses and
    define a generic 0.x point (``before_epoch``, ``after_iter``, ...) or an
    iteration point (or ``after_val_epoch``) with the ``method(runner)`` signature.
    """
    if isinstance(hook, (Hook, LegacyHookAdapter)):
        return False
    if any(callable(getattr(hook, name, None)) for name in _GENERIC):
        return True
    return any(
        _overrides(hook, name) and takes_runner_only(getattr(hook, name)) for name in STAGE_POINTS
    )


def _call(method: Callable[..., Any], runner: Any, kwargs: dict[str, Any]) -> None:
    if takes_runner_only(method):
        method(runner)
    else:
        method(runner, **kwargs)


class LegacyHookAdapter(MMEngineHook):
    """Calls a 0.x hook at the mmengine points that correspond to its methods.

    For every train/val epoch and iteration point, the hook's own method is
    called if its class defines it (with ``runner`` only when that is its
    signature); otherwise its generic 0.x method (``before_epoch``,
    ``after_iter``, ...), as mmcv's base ``Hook`` did. Every other point
    (``before_run``, ``before_train``, ``before_save_checkpoint``, ...) is
    forwarded unchanged, and other attributes are read from the hook.

    Args:
        hook: The wrapped hook; its ``priority`` is used.
    """

    def __init__(self, hook: Any) -> None:
        self.hook = hook
        self.priority = getattr(hook, 'priority', 'NORMAL')

    def __repr__(self) -> str:
        return f'{type(self).__name__}({type(self.hook).__name__})'

    def __getattr__(self, name: str) -> Any:
        if name == 'hook':  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self.hook, name)

    def _point(self, name: str, runner: Any, **kwargs: Any) -> None:
        if _overrides(self.hook, name):
            _call(getattr(self.hook, name), runner, kwargs)
            return
        generic = getattr(self.hook, GENERIC_OF_POINT[name], None)
        if callable(generic):
            generic(runner)

    def _forward(self, name: str, runner: Any, kwargs: dict[str, Any]) -> None:
        method = getattr(self.hook, name, None)
        if callable(method):
            _call(method, runner, kwargs)

    def before_train_epoch(self, runner: Any) -> None:
        """``before_train_epoch`` or ``before_epoch``."""
        self._point('before_train_epoch', runner)

    def after_train_epoch(self, runner: Any) -> None:
        """``after_train_epoch`` or ``after_epoch``."""
        self._point('after_train_epoch', runner)

    def before_val_epoch(self, runner: Any) -> None:
        """``before_val_epoch`` or ``before_epoch``."""
        self._point('before_val_epoch', runner)

    def after_val_epoch(self, runner: Any, metrics: dict[str, float] | None = None) -> None:
        """``after_val_epoch`` or ``after_epoch``."""
        self._point('after_val_epoch', runner, metrics=metrics)

    def before_train_iter(self, runner: Any, batch_idx: int = 0, data_batch: Any = None) -> None:
        """``before_train_iter`` or ``before_iter``."""
        self._point('before_train_iter', runner, batch_idx=batch_idx, data_batch=data_batch)

    def after_train_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """``after_train_iter`` or ``after_iter``."""
        self._point(
            'after_train_iter', runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs
        )

    def before_val_iter(self, runner: Any, batch_idx: int = 0, data_batch: Any = None) -> None:
        """``before_val_iter`` or ``before_iter``."""
        self._point('before_val_iter', runner, batch_idx=batch_idx, data_batch=data_batch)

    def after_val_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """``after_val_iter`` or ``after_iter``."""
        self._point(
            'after_val_iter', runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs
        )

    def before_legacy_val_epoch(self, runner: Any) -> None:
        """Workflow val phase: as :meth:`before_val_epoch`."""
        self.before_val_epoch(runner)

    def after_legacy_val_epoch(self, runner: Any) -> None:
        """Workflow val phase: as :meth:`after_val_epoch`."""
        self.after_val_epoch(runner)

    def before_legacy_val_iter(self, runner: Any) -> None:
        """Workflow val phase: as :meth:`before_val_iter`."""
        self.before_val_iter(runner)

    def after_legacy_val_iter(self, runner: Any) -> None:
        """Workflow val phase: as :meth:`after_val_iter`."""
        self.after_val_iter(runner)


def _forwarder(name: str) -> Callable[..., None]:
    def method(self: LegacyHookAdapter, runner: Any, **kwargs: Any) -> None:
        self._forward(name, runner, kwargs)

    method.__name__ = name
    method.__doc__ = f'Forwards ``{name}`` to the wrapped hook.'
    return method


for _name in FORWARDED_POINTS:
    setattr(LegacyHookAdapter, _name, _forwarder(_name))

__all__ = ['LegacyHookAdapter', 'needs_adapter']
