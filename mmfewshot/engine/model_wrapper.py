"""Data-parallel wrapper that keeps the model's own ``train_step`` (CPU gloo or GPU NCCL)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
import torch.distributed as torch_dist
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import OptimWrapper
from torch import nn

from mmfewshot.registry import MODEL_WRAPPERS

_BUCKET_NUMEL = 1 << 24  # elements per all-reduce (64 MiB of float32)


def average_gradients(params: Iterable[nn.Parameter]) -> None:
    """Averages ``.grad`` of ``params`` over all ranks, in place, as DDP does.

    A parameter whose gradient is ``None`` on every rank keeps ``None``; one
    that has a gradient on some rank only gets zeros elsewhere first, so all
    ranks reduce the same tensors in the same order.
    """
    params = [p for p in params if p.requires_grad]
    world_size = torch_dist.get_world_size()
    if not params or world_size == 1:
        return
    device = params[0].device
    present = torch.tensor([p.grad is not None for p in params], dtype=torch.float32, device=device)
    torch_dist.all_reduce(present)
    grads: list[torch.Tensor] = []
    for param, count in zip(params, present.tolist(), strict=True):
        if count == 0:
            continue
        if param.grad is None:
            param.grad = torch.zeros_like(param)
        grads.append(param.grad)
    by_dtype: dict[tuple[torch.dtype, torch.device], list[torch.Tensor]] = {}
    for grad in grads:
        by_dtype.setdefault((grad.dtype, grad.device), []).append(grad)
    for group in by_dtype.values():
        start = 0
        while start < len(group):
            bucket: list[torch.Tensor] = []
            numel = 0
            while start < len(group) and (
                not bucket or numel + group[start].numel() <= _BUCKET_NUMEL
            ):
                bucket.append(group[start])
                numel += group[start].numel()
                start += 1
            flat = torch.cat([g.reshape(-1) for g in bucket])
            torch_dist.all_reduce(flat)
            flat.div_(world_size)
            offset = 0
            for grad in bucket:
                grad.copy_(flat[offset : offset + grad.numel()].view_as(grad))
                offset += grad.numel()


class _SyncedOptimWrapper:
    """Proxy of an :class:`OptimWrapper` that averages gradients across ranks before stepping."""

    def __init__(self, wrapper: OptimWrapper, params: list[nn.Parameter]) -> None:
        self._wrapper = wrapper
        self._params = params

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapper, name)

    def step(self, **kwargs: Any) -> None:
        average_gradients(self._params)
        self._wrapper.step(**kwargs)

    def update_params(
        self,
        loss: torch.Tensor,
        step_kwargs: dict | None = None,
        zero_kwargs: dict | None = None,
    ) -> None:
        loss = self._wrapper.scale_loss(loss)
        self._wrapper.backward(loss)
        if self._wrapper.should_update():
            self.step(**(step_kwargs or {}))
            self._wrapper.zero_grad(**(zero_kwargs or {}))


@MODEL_WRAPPERS.register_module()
class FewShotDistributedDataParallel(MMDistributedDataParallel):
    """DDP that runs the wrapped model's own ``train_step`` and averages gradients.

    mmengine's :class:`MMDistributedDataParallel` replaces the model's
    ``train_step`` by ``forward(mode='loss')``; few-shot models train through
    ``forward(mode='train')`` and may do more in ``train_step`` (episodes,
    inner loops). This wrapper calls ``module.train_step`` unchanged and
    averages the gradients over all ranks right before every optimizer step
    (after gradient accumulation, before clipping), which is what DDP computes.
    Construction broadcasts rank 0's parameters and buffers, so all ranks
    start identical. Works on CPU (gloo, ``device_ids=None``) and GPU.

    Args:
        module: The model.
        kwargs: Passed to :class:`torch.nn.parallel.DistributedDataParallel`
            (``device_ids``, ``broadcast_buffers``, ``find_unused_parameters``...).
    """

    def __init__(self, module: nn.Module, **kwargs: Any) -> None:
        super().__init__(module=module, **kwargs)

    def train_step(self, data: Any, optim_wrapper: OptimWrapper) -> dict[str, torch.Tensor]:
        """``module.train_step`` with gradients averaged across ranks before each step."""
        synced = _SyncedOptimWrapper(optim_wrapper, list(self.module.parameters()))
        return self.module.train_step(data, optim_wrapper=synced)


__all__ = ['FewShotDistributedDataParallel', 'average_gradients']
