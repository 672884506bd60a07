"""Distributed version of :class:`EvalHook`: every rank tests its shard, rank 0 evaluates."""

from __future__ import annotations

import os.path as osp
from collections.abc import Callable, Sequence
from typing import Any

import torch.distributed as torch_dist
from mmengine.dist import collect_results, get_dist_info, is_distributed
from mmengine.model import is_model_wrapper
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader

from mmfewshot.engine.inference_loops import run_model_over
from mmfewshot.registry import HOOKS

from .eval_hook import EvalHook


def broadcast_bn_buffers(model: nn.Module) -> None:
    """Copies rank 0's BatchNorm running statistics to every rank."""
    module: nn.Module = model.module if is_model_wrapper(model) else model  # type: ignore[assignment]
    for layer in module.modules():
        if isinstance(layer, _BatchNorm) and layer.track_running_stats:
            for buffer in (layer.running_mean, layer.running_var):
                if buffer is not None:
                    torch_dist.broadcast(buffer, 0)


@HOOKS.register_module()
class DistEvalHook(EvalHook):
    """:class:`EvalHook` for distributed runs (mmcv 1.x ``DistEvalHook``).

    Each rank runs ``val_step`` on its shard of ``dataloader`` (a distributed
    sampler without shuffling); the results are gathered on rank 0 in dataset
    order, where ``dataset.evaluate`` runs and the best checkpoint is kept.

    Args:
        dataloader: This rank's evaluation loader.
        start: See :class:`EvalHook`.
        interval: See :class:`EvalHook`.
        by_epoch: See :class:`EvalHook`.
        save_best: See :class:`EvalHook`.
        rule: See :class:`EvalHook`.
        greater_keys: See :class:`EvalHook`.
        less_keys: See :class:`EvalHook`.
        out_dir: See :class:`EvalHook`.
        test_fn: See :class:`EvalHook`.
        broadcast_bn_buffer: Whether to copy rank 0's BatchNorm statistics to
            every rank before testing.
        tmpdir: Shared folder for gathering (``<work_dir>/.eval_hook`` by default).
        gpu_collect: Gather through the process group instead of files.
        eval_kwargs: Passed to ``dataset.evaluate``.
    """

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
        broadcast_bn_buffer: bool = True,
        tmpdir: str | None = None,
        gpu_collect: bool = False,
        **eval_kwargs: Any,
    ) -> None:
        super().__init__(
            dataloader, start=start, interval=interval, by_epoch=by_epoch, save_best=save_best,
            rule=rule, greater_keys=greater_keys, less_keys=less_keys, out_dir=out_dir,
            test_fn=test_fn, **eval_kwargs,
        )  # fmt: skip
        self.broadcast_bn_buffer = broadcast_bn_buffer
        self.tmpdir = tmpdir
        self.gpu_collect = gpu_collect

    def _results(self, runner: Any) -> list | None:
        if self.broadcast_bn_buffer and is_distributed():
            broadcast_bn_buffers(runner.model)
        if self.test_fn is not None:
            return self.test_fn(runner.model, self.dataloader)
        size = len(self.dataloader.dataset)  # type: ignore[arg-type]
        part = run_model_over(runner.model, self.dataloader, 'val_step')
        if self.gpu_collect:
            results = collect_results(part, size, device='gpu')
        else:
            tmpdir = self.tmpdir or osp.join(runner.work_dir, '.eval_hook')
            results = collect_results(part, size, device='cpu', tmpdir=tmpdir)
        return results if get_dist_info()[0] == 0 else None


__all__ = ['DistEvalHook', 'broadcast_bn_buffers']
