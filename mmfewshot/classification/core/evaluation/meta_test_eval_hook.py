"""Meta-testing during training, keeping the best checkpoint."""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any

from mmengine.hooks import Hook
from torch.utils.data import DataLoader

from mmfewshot.registry import HOOKS

from .confidence_interval import z_score
from .meta_test import single_gpu_meta_test


@HOOKS.register_module()
class MetaTestEvalHook(Hook):
    """Meta-tests the model every ``interval`` epochs or iterations during training.

    The meta-test runs on a copy of the model (:func:`single_gpu_meta_test`),
    so training resumes from an untouched model. The results
    (``accuracy_mean``, ``accuracy_std``, ...) are logged and sent to the
    visualizer backends under ``val/``. With ``save_best``, the checkpoint
    with the highest ``key_indicator`` so far is kept as
    ``best_<key_indicator>.pth`` (e.g. ``best_accuracy_mean.pth``) in the
    work dir, written atomically by the runner.

    Args:
        support_data_loader: Loader of the support set of the current task.
        query_data_loader: Loader of the query set of the current task.
        test_set_data_loader: Loader of every image (used by ``fast_test``).
        num_test_tasks: Tasks per evaluation.
        interval: Evaluate every ``interval`` epochs (or iterations).
        by_epoch: Whether ``interval`` counts epochs (else iterations).
        meta_test_cfg: The meta-test config of the val set.
        confidence_interval: Confidence level of ``*_std``.
        save_best: Whether to keep the best checkpoint.
        key_indicator: The result that decides the best checkpoint (larger is better).
        eval_kwargs: Passed to the dataset's ``evaluate`` (e.g. ``metric``).
    """

    priority = 'LOW'

    def __init__(
        self,
        support_data_loader: DataLoader,
        query_data_loader: DataLoader,
        test_set_data_loader: DataLoader | None,
        num_test_tasks: int,
        interval: int = 1,
        by_epoch: bool = True,
        meta_test_cfg: Mapping[str, Any] | None = None,
        confidence_interval: float = 0.95,
        save_best: bool = True,
        key_indicator: str = 'accuracy_mean',
        **eval_kwargs: Any,
    ) -> None:
        for name, loader in (
            ('support_data_loader', support_data_loader),
            ('query_data_loader', query_data_loader),
        ):
            if not isinstance(loader, DataLoader):
                raise TypeError(f'{name} must be a torch DataLoader, got {type(loader).__name__}')
        if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
            raise ValueError(f'evaluation.interval={interval!r} must be a positive integer')
        if isinstance(num_test_tasks, bool) or not isinstance(num_test_tasks, int):
            raise TypeError(f'num_test_tasks must be an integer, got {num_test_tasks!r}')
        if num_test_tasks <= 0:
            raise ValueError(f'num_test_tasks={num_test_tasks} must be positive')
        z_score(confidence_interval)
        self.support_data_loader = support_data_loader
        self.query_data_loader = query_data_loader
        self.test_set_data_loader = test_set_data_loader
        self.num_test_tasks = num_test_tasks
        self.interval = interval
        self.by_epoch = by_epoch
        self.meta_test_cfg = dict(meta_test_cfg or {})
        self.confidence_interval = confidence_interval
        self.save_best = save_best
        self.key_indicator = key_indicator
        # mmcv's EvalHook options that make no sense here are dropped.
        for unused in ('save_best_ckpt', 'rule', 'start', 'gpu_collect', 'tmpdir'):
            eval_kwargs.pop(unused, None)
        self.eval_kwargs = eval_kwargs

    @property
    def best_ckpt_name(self) -> str:
        """File name of the best checkpoint, e.g. ``best_accuracy_mean.pth``."""
        return f'best_{self.key_indicator}.pth'

    def after_train_epoch(self, runner: Any) -> None:
        """Meta-tests after every ``interval``-th epoch (epoch-based runs)."""
        if self.by_epoch and (runner.epoch + 1) % self.interval == 0:
            self.evaluate(runner)

    def after_train_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """Meta-tests after every ``interval``-th iteration (iteration-based runs)."""
        if not self.by_epoch and (runner.iter + 1) % self.interval == 0:
            self.evaluate(runner)

    def _run_meta_test(self, runner: Any) -> dict[str, Any]:
        return single_gpu_meta_test(
            runner.model,
            self.num_test_tasks,
            self.support_data_loader,
            self.query_data_loader,
            self.test_set_data_loader,
            meta_test_cfg=self.meta_test_cfg,
            eval_kwargs=self.eval_kwargs,
            logger=runner.logger,
            confidence_interval=self.confidence_interval,
        )

    def evaluate(self, runner: Any) -> dict[str, Any]:
        """Meta-tests the model, logs the results and keeps the best checkpoint.

        Returns:
            The meta-test results.
        """
        results = self._run_meta_test(runner)
        if self.by_epoch:
            where, step = f'Epoch(val) [{runner.epoch + 1}]', runner.epoch + 1
        else:
            where, step = f'Iter(val) [{runner.iter + 1}]', runner.iter + 1
        text = ', '.join(f'{k}: {float(v):.4f}' for k, v in results.items() if _is_scalar(v))
        runner.logger.info(f'{where}\t{text}')
        scalars = {f'val/{k}': float(v) for k, v in results.items() if _is_scalar(v)}
        for key, value in scalars.items():
            runner.message_hub.update_scalar(key, value)
        if scalars:
            runner.visualizer.add_scalars(scalars, step=step)
        if self.save_best:
            self._save_best(runner, results, step)
        return results

    def _save_best(self, runner: Any, results: Mapping[str, Any], step: int) -> None:
        if self.key_indicator not in results:
            raise KeyError(
                f'key_indicator={self.key_indicator!r} is not among the meta-test results '
                f'{sorted(results)}; pick one of them'
            )
        score = float(results[self.key_indicator])
        hub_key = f'meta_test_best_{self.key_indicator}'
        best = float(runner.message_hub.get_info(hub_key, -math.inf))
        if not score > best:
            return
        runner.message_hub.update_info(hub_key, score)
        kwargs: dict[str, Any] = {}
        if 'create_symlink' in inspect.signature(runner.save_checkpoint).parameters:
            kwargs['create_symlink'] = False  # FewShotRunner: keep latest.pth as it is
        runner.save_checkpoint(
            runner.work_dir, self.best_ckpt_name, by_epoch=self.by_epoch, **kwargs
        )
        unit = 'epoch' if self.by_epoch else 'iter'
        runner.logger.info(
            f'Now best checkpoint is saved as {self.best_ckpt_name}; best '
            f'{self.key_indicator} is {score:.4f} at {unit} {step}.'
        )


def _is_scalar(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


__all__ = ['MetaTestEvalHook']
