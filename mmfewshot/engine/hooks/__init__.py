"""Hooks of the engine: the mmcv 1.x-style base class, its adapter and evaluation hooks."""

from .dist_eval_hook import DistEvalHook
from .eval_hook import EvalHook
from .hook import Hook
from .legacy_hook_adapter import LegacyHookAdapter, needs_adapter
from .workflow_val_hook import WorkflowValHook

__all__ = [
    'DistEvalHook',
    'EvalHook',
    'Hook',
    'LegacyHookAdapter',
    'WorkflowValHook',
    'needs_adapter',
]
