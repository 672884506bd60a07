"""mmcv 1.x-style evaluation hook: ``val_step`` over a loader, then ``dataset.evaluate``."""

from __future__ import annotations

import math
import os
import os.path as osp
from collections.abc import Callable, Sequence
from typing import Any

from mmengine.hooks import Hook as MMEngineHook
from torch.utils.data import DataLoader

from mmfewshot.engine.inference_loops import run_model_over
from mmfewshot.registry import HOOKS

GREATER_KEYS = ('acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice', 'mIoU', 'mAcc', 'aAcc')
LESS_KEYS = ('loss',)
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    'greater': lambda x, y: x > y,
    'less': lambda x, y: x < y,
}
_INIT = {'greater': -math.inf, 'less': math.inf}


def infer_rule(key: str, greater_keys: Sequence[str], less_keys: Sequence[str]) -> str:
    """Infers mmcv's rule for ``key``: exact key match first, then substring match."""
    if key in greater_keys:
        return 'greater'
    if key in less_keys:
        return 'less'
    if any(k.lower() in key.lower() for k in greater_keys):
        return 'greater'
    if any(k.lower() in key.lower() for k in less_keys):
        return 'less'
    raise ValueError(
        f'cannot infer whether a larger or smaller {key!r} is better; '
        "set evaluation.rule='greater' or 'less'"
    )


def format_results(results: dict[str, Any]) -> str:
    """``'k1: v1, k2: v2'`` with floats at 4 decimals."""
    return ', '.join(
        f'{key}: {value:.4f}' if isinstance(value, float) else f'{key}: {value}'
        for key, value in results.items()
    )


@HOOKS.register_module()
class EvalHook(MMEngineHook):
    """Evaluates during training, as mmcv 1.x ``EvalHook`` did.

    Every ``interval`` epochs (or iterations) it runs ``model.val_step`` over
    ``dataloader`` (one result per sample), calls
    ``dataloader.dataset.evaluate(results, logger=runner.logger, **eval_kwargs)``,
    logs the returned dict (``Epoch(val) [e][n] key: value, ...``, and to the
    visualizer backends under ``val/``) and, with ``save_best``, keeps
    ``best_<key>_<epoch_N|iter_N>.pth`` in ``out_dir`` (the work dir by default).

    Args:
        dataloader: The evaluation loader.
        start: Epoch (or iteration) from which to evaluate; evaluating also
            before training when ``start`` is not after the resumed position.
        interval: Evaluation interval.
        by_epoch: Whether ``interval`` and ``start`` count epochs.
        save_best: Metric to track (``'auto'`` = the first returned key), or ``None``.
        rule: ``'greater'`` or ``'less'``; inferred from the key when ``None``.
        greater_keys: Extra key patterns for which larger is better.
        less_keys: Extra key patterns for which smaller is better.
        out_dir: Folder of the best checkpoint.
        test_fn: ``(model, dataloader) -> results``; defaults to ``val_step`` over the loader.
        eval_kwargs: Passed to ``dataset.evaluate`` (``metric``, ``class_splits``, ...).
    """

    priority = 'LOW'

    def __init__(
        self,
        dataloader: DataLoader,
        start: int | None = None,
        interval: int = 1,
        by_epoch: bool = True,
        save_best: str | None = None,
        rule: str | None = None,
        greater_keys: Sequence[str] | None = None,
        less_keys: Sequence[str] | None = None,
        out_dir: str | None = None,
        test_fn: Callable[[Any, DataLoader], list] | None = None,
        **eval_kwargs: Any,
    ) -> None:
        if not isinstance(dataloader, DataLoader):
            raise TypeError(f'dataloader must be a torch DataLoader, got {type(dataloader)}')
        if interval <= 0:
            raise ValueError(f'evaluation.interval={interval} must be a positive integer')
        if start is not None and start < 0:
            raise ValueError(f'evaluation.start={start} must be >= 0')
        if save_best is not None and not isinstance(save_best, str):
            raise TypeError(
                f"evaluation.save_best={save_best!r} must be a metric name, 'auto' or None"
            )
        if rule is not None and rule not in _COMPARE:
            raise KeyError(f"evaluation.rule={rule!r} must be 'greater', 'less' or None")
        self.dataloader = dataloader
        self.start = start
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_best = save_best
        self.rule = rule
        self.greater_keys = tuple(GREATER_KEYS) + tuple(greater_keys or ())
        self.less_keys = tuple(LESS_KEYS) + tuple(less_keys or ())
        self.out_dir = out_dir
        self.test_fn = test_fn
        self.eval_kwargs = eval_kwargs
        self.initial_flag = True
        if save_best is not None and save_best != 'auto' and rule is None:
            self.rule = infer_rule(save_best, self.greater_keys, self.less_keys)

    # When to evaluate (mmcv 1.x rules).
    def _should_evaluate(self, runner: Any) -> bool:
        current = runner.epoch if self.by_epoch else runner.iter
        if self.start is None:
            return (current + 1) % self.interval == 0
        if current + 1 < self.start:
            return False
        return (current + 1 - self.start) % self.interval == 0

    def before_train_epoch(self, runner: Any) -> None:
        """Evaluates once before training when ``start`` allows it (by epoch)."""
        if self.by_epoch and self.initial_flag:
            if self.start is not None and runner.epoch >= self.start:
                self.after_train_epoch(runner)
            self.initial_flag = False

    def before_train_iter(self, runner: Any, batch_idx: int = 0, data_batch: Any = None) -> None:
        """Evaluates once before training when ``start`` allows it (by iteration)."""
        if not self.by_epoch and self.initial_flag:
            if self.start is not None and runner.iter >= self.start:
                self.after_train_iter(runner)
            self.initial_flag = False

    def after_train_epoch(self, runner: Any) -> None:
        """Evaluates at the end of every ``interval``-th epoch."""
        if self.by_epoch and self._should_evaluate(runner):
            self._do_evaluate(runner)

    def after_train_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """Evaluates after every ``interval``-th iteration."""
        if not self.by_epoch and self._should_evaluate(runner):
            self._do_evaluate(runner)

    # Evaluation proper.
    def _results(self, runner: Any) -> list | None:
        if self.test_fn is not None:
            return self.test_fn(runner.model, self.dataloader)
        return run_model_over(runner.model, self.dataloader, 'val_step')

    def _do_evaluate(self, runner: Any) -> None:
        results = self._results(runner)
        if results is None:  # not the main rank
            return
        key_score = self.evaluate(runner, results)
        if self.save_best is not None and key_score is not None:
            self._save_best(runner, key_score)

    def evaluate(self, runner: Any, results: list) -> float | None:
        """Calls ``dataset.evaluate``, logs the metrics and returns the tracked score."""
        dataset = self.dataloader.dataset
        if not hasattr(dataset, 'evaluate'):
            raise TypeError(
                f'{type(dataset).__name__} has no evaluate(results, logger=None, **kwargs); '
                'add one or set validate=False (--no-validate)'
            )
        eval_res = dataset.evaluate(results, logger=runner.logger, **self.eval_kwargs)
        if self.by_epoch:
            where = f'Epoch(val) [{runner.epoch + 1}][{len(self.dataloader)}]'
        else:
            where = f'Iter(val) [{runner.iter + 1}]'
        runner.logger.info(f'{where}\t{format_results(eval_res)}')
        step = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        scalars = {
            f'val/{key}': float(value)
            for key, value in eval_res.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        }
        if scalars:
            runner.visualizer.add_scalars(scalars, step=step)
        if self.save_best is None or not eval_res:
            return None
        if self.save_best == 'auto':
            self.save_best = next(iter(eval_res))
            if self.rule is None:
                self.rule = infer_rule(self.save_best, self.greater_keys, self.less_keys)
        if self.save_best not in eval_res:
            raise KeyError(
                f'evaluation.save_best={self.save_best!r} is not among the evaluated keys '
                f'{sorted(eval_res)}; pick one of them'
            )
        return float(eval_res[self.save_best])

    def _save_best(self, runner: Any, key_score: float) -> None:
        assert self.rule is not None
        assert self.save_best is not None
        hub = runner.message_hub
        best = hub.get_info('eval_hook_best_score', _INIT[self.rule])
        if not _COMPARE[self.rule](key_score, best):
            return
        hub.update_info('eval_hook_best_score', key_score)
        out_dir = self.out_dir or runner.work_dir
        previous = hub.get_info('eval_hook_best_ckpt')
        if previous and osp.isfile(previous) and runner.rank == 0:
            os.remove(previous)
            runner.logger.info(f'The previous best checkpoint {previous} was removed')
        unit, count = ('epoch', runner.epoch + 1) if self.by_epoch else ('iter', runner.iter + 1)
        name = f'best_{self.save_best}_{unit}_{count}.pth'
        hub.update_info('eval_hook_best_ckpt', osp.join(out_dir, name))
        runner.save_checkpoint(out_dir, name, by_epoch=self.by_epoch, create_symlink=False)
        runner.logger.info(f'Now best checkpoint is saved as {name}.')
        runner.logger.info(f'Best {self.save_best} is {key_score:0.4f} at {count} {unit}.')


__all__ = ['EvalHook', 'format_results', 'infer_rule']
