"""The ``('val', n)`` phase of an mmcv 1.x ``workflow``: losses on the val set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import torch
from mmengine.hooks import Hook as MMEngineHook
from mmengine.model import is_model_wrapper
from torch.utils.data import DataLoader

from mmfewshot.registry import HOOKS

from .eval_hook import format_results


def _batch_size(data: Any) -> int:
    values = data.values() if isinstance(data, dict) else data
    for value in values:
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            return int(value.shape[0])
        if isinstance(value, (list, tuple)):
            return len(value)
    return 1


@HOOKS.register_module()
class WorkflowValHook(MMEngineHook):
    """Runs the val phase of ``workflow=[('train', n), ('val', m)]``.

    After every ``train_ratio`` training epochs (iterations for an
    iteration-based run), and after the last one, it runs ``val_ratio`` passes
    over ``dataloader`` (``val_ratio`` iterations when iteration-based) with the
    model in eval mode and no grad, computes the losses through
    ``forward(..., mode=loss_mode)`` exactly as in training, and logs their
    sample-weighted means with a ``val`` prefix (``Epoch(val) [e][n] loss: ...``;
    ``val/<key>`` in the visualizer). 0.x hooks get their val-epoch and
    val-iteration calls, as in mmcv's ``runner.val``.

    Args:
        dataloader: Loader of the val set (built with the train pipeline).
        train_ratio: Training epochs (or iterations) per cycle.
        val_ratio: Val passes (or iterations) per cycle.
        by_epoch: Whether the run is epoch-based.
        loss_mode: ``mode`` passed to the model's forward to get losses.
    """

    priority = 'LOW'

    def __init__(
        self,
        dataloader: DataLoader,
        train_ratio: int = 1,
        val_ratio: int = 1,
        by_epoch: bool = True,
        loss_mode: str = 'train',
    ) -> None:
        if train_ratio <= 0 or val_ratio <= 0:
            raise ValueError(f'workflow ratios must be positive, got {train_ratio}, {val_ratio}')
        self.dataloader = dataloader
        self.train_ratio = train_ratio
        self.val_ratio = val_ratio
        self.by_epoch = by_epoch
        self.loss_mode = loss_mode
        self._iterator: Iterator | None = None

    def after_train_epoch(self, runner: Any) -> None:
        """Runs the val phase after every ``train_ratio``-th epoch and the last one."""
        count = runner.epoch + 1
        if self.by_epoch and (count % self.train_ratio == 0 or count == runner.max_epochs):
            self._run(runner, (iter(self.dataloader) for _ in range(self.val_ratio)))

    def after_train_iter(
        self, runner: Any, batch_idx: int = 0, data_batch: Any = None, outputs: Any = None
    ) -> None:
        """Runs ``val_ratio`` val iterations after every ``train_ratio``-th iteration."""
        count = runner.iter + 1
        if not self.by_epoch and (count % self.train_ratio == 0 or count == runner.max_iters):
            self._run(runner, [self._next_batches()])

    def _next_batches(self) -> Iterator:
        for _ in range(self.val_ratio):
            if self._iterator is None:
                self._iterator = iter(self.dataloader)
            try:
                yield next(self._iterator)
            except StopIteration:
                self._iterator = iter(self.dataloader)
                yield next(self._iterator)

    def _run(self, runner: Any, passes: Iterable[Iterator]) -> None:
        model = runner.model
        module = model.module if is_model_wrapper(model) else model
        was_training = model.training
        model.eval()
        previous_mode = getattr(runner, 'mode', 'train')
        runner.mode = 'val'
        sums: dict[str, float] = {}
        total = 0
        try:
            runner.call_hook('before_legacy_val_epoch')
            with torch.no_grad():
                for batches in passes:
                    for batch_idx, batch in enumerate(batches):
                        runner.inner_iter = batch_idx
                        runner.call_hook('before_legacy_val_iter')
                        data = module.data_preprocessor(batch, False)
                        if isinstance(data, dict):
                            losses = module(**data, mode=self.loss_mode)
                        else:
                            losses = module(*data, mode=self.loss_mode)
                        _, log_vars = module.parse_losses(losses)
                        size = _batch_size(data)
                        total += size
                        for key, value in log_vars.items():
                            sums[key] = sums.get(key, 0.0) + float(value) * size
                        runner.call_hook('after_legacy_val_iter')
            runner.call_hook('after_legacy_val_epoch')
        finally:
            model.train(was_training)
            runner.mode = previous_mode
        means = {key: value / max(total, 1) for key, value in sums.items()}
        if self.by_epoch:
            where = f'Epoch(val) [{runner.epoch + 1}][{len(self.dataloader)}]'
        else:
            where = f'Iter(val) [{runner.iter + 1}]'
        runner.logger.info(f'{where}\t{format_results(means)}')
        step = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        runner.visualizer.add_scalars({f'val/{k}': v for k, v in means.items()}, step=step)
        self.last_losses = means


__all__ = ['WorkflowValHook']
