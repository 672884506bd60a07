"""Signature helpers shared by the mmcv-1.x hook base class and its adapter."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

# mmengine hook points that pass more than ``runner``; their mmcv 1.x
# counterparts took ``runner`` only.
STAGE_POINTS = (
    'after_val_epoch',
    'before_train_iter',
    'after_train_iter',
    'before_val_iter',
    'after_val_iter',
)
# mmengine points forwarded unchanged by the adapter.
FORWARDED_POINTS = (
    'before_run', 'after_run', 'before_train', 'after_train', 'before_val', 'after_val',
    'before_test', 'after_test', 'before_save_checkpoint', 'after_load_checkpoint',
    'before_test_epoch', 'after_test_epoch', 'before_test_iter', 'after_test_iter',
)  # fmt: skip
# The generic mmcv 1.x points and the mmengine points that trigger them.
GENERIC_OF_POINT = {
    'before_train_epoch': 'before_epoch',
    'before_val_epoch': 'before_epoch',
    'after_train_epoch': 'after_epoch',
    'after_val_epoch': 'after_epoch',
    'before_train_iter': 'before_iter',
    'before_val_iter': 'before_iter',
    'after_train_iter': 'after_iter',
    'after_val_iter': 'after_iter',
}
# Points the engine calls for a ``('val', n)`` workflow phase: mmengine's own
# val points would reach mmengine hooks that expect a val loop.
LEGACY_VAL_POINTS = {
    'before_legacy_val_epoch': 'before_val_epoch',
    'after_legacy_val_epoch': 'after_val_epoch',
    'before_legacy_val_iter': 'before_val_iter',
    'after_legacy_val_iter': 'after_val_iter',
}


def takes_runner_only(fn: Callable[..., Any]) -> bool:
    """Whether a (bound or unbound) hook method accepts nothing but ``runner``."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if params and params[0].name == 'self':
        params = params[1:]
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return False
    return len(params) == 1


def runner_only(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps an mmcv-style ``method(self, runner)`` to accept mmengine's extra arguments."""

    @functools.wraps(fn)
    def wrapper(self: Any, runner: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(self, runner)

    wrapper.__mmfewshot_runner_only__ = True  # type: ignore[attr-defined]
    return wrapper


__all__ = [
    'FORWARDED_POINTS',
    'GENERIC_OF_POINT',
    'LEGACY_VAL_POINTS',
    'STAGE_POINTS',
    'runner_only',
    'takes_runner_only',
]
