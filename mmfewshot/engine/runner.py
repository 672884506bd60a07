"""The mmengine Runner used by MMFewShot: safe checkpoints, 0.x hook support, CPU DDP."""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from mmengine.device import get_device
from mmengine.dist import master_only
from mmengine.model import is_model_wrapper, revert_sync_batchnorm
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from torch import nn

from mmfewshot.registry import HOOKS, PARAM_SCHEDULERS, RUNNERS
from mmfewshot.utils import DataContainer
from mmfewshot.utils.compat import load_checkpoint_file

from .checkpoint_io import from_plain_checkpoint, to_plain_checkpoint, update_latest_link
from .hooks import LegacyHookAdapter, needs_adapter
from .model_wrapper import FewShotDistributedDataParallel
from .schedulers import LegacyParamScheduler

# Scheduler state restored on resume; the rest comes from the current config.
_SCHEDULER_COUNTERS = ('last_step', '_global_step', 'base_values', '_last_value')


def _num_samples(data_batch: Any) -> int | None:
    """The batch size of a collated batch (its ``img`` or ``img_metas``), if it can be told."""
    if not isinstance(data_batch, Mapping):
        return None
    for key in ('img', 'img_metas', 'inputs'):
        value = data_batch.get(key)
        if isinstance(value, DataContainer):  # collated: one chunk per device
            chunks = value.data
            if isinstance(chunks, list) and all(isinstance(c, list | torch.Tensor) for c in chunks):
                return sum(len(chunk) for chunk in chunks)
            value = chunks
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            return int(value.size(0))
        if isinstance(value, (list, tuple)):
            return len(value)
    return None


def legacy_outputs(log_vars: Mapping[str, Any] | None, data_batch: Any = None) -> dict[str, Any]:
    """``runner.outputs`` as mmcv 1.x gave it to hooks after a training iteration.

    Args:
        log_vars: What ``train_step`` returned (mmengine: the log variables, tensors).
        data_batch: The iteration's batch, for ``num_samples``.

    Returns:
        ``dict(loss=..., log_vars={name: float}, num_samples=...)``, scalar
        tensors turned into Python floats as mmcv's ``parse_losses`` did.
    """
    raw = dict(log_vars or {})
    plain = {
        name: value.item() if isinstance(value, torch.Tensor) and value.numel() == 1 else value
        for name, value in raw.items()
    }
    return dict(loss=raw.get('loss'), log_vars=plain, num_samples=_num_samples(data_batch))


@RUNNERS.register_module()
class FewShotRunner(Runner):
    """:class:`mmengine.runner.Runner` with the behaviour MMFewShot's 0.x users expect.

    * Checkpoints hold plain data (numpy scalars and message-hub buffers are
      converted) and load with ``torch.load(weights_only=True)``
      (:func:`mmfewshot.utils.compat.load_checkpoint_file`); they are written
      to a temporary file and renamed, and ``latest.pth`` points at the newest
      one. ``meta`` (e.g. ``CLASSES``, ``config``) is stored in every checkpoint.
    * On resume, parameter schedulers restore their step counters only, so the
      schedule follows the *current* config (a run resumed with a larger
      ``max_iters`` continues like a straight run).
    * Hooks written for mmcv 1.x are adapted (:class:`LegacyHookAdapter`), and
      the runner offers their attributes: ``inner_iter``, ``outputs``, ``mode``,
      ``optimizer``, ``data_loader`` and ``meta``.
    * Distributed runs wrap the model in :class:`FewShotDistributedDataParallel`
      (``device_ids=None`` on the CPU, so gloo runs work).

    Args:
        meta: Saved in every checkpoint's ``meta`` (0.x ``runner.meta``).
        device: ``'cpu'``, ``'cuda'`` or ``None`` (mmengine's choice).
        kwargs: The arguments of :class:`mmengine.runner.Runner`.
    """

    def __init__(
        self, *args: Any, meta: dict | None = None, device: str | None = None, **kwargs: Any
    ) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self.meta.setdefault('hook_msgs', {})
        self._device = device
        self.inner_iter = 0
        self.outputs: dict[str, Any] = {}
        self.mode = 'train'
        super().__init__(*args, **kwargs)

    # 0.x runner attributes.
    @property
    def optimizer(self) -> torch.optim.Optimizer | None:
        """The optimizer inside the optimizer wrapper (mmcv ``runner.optimizer``)."""
        wrapper = self.optim_wrapper
        return getattr(wrapper, 'optimizer', None)

    @property
    def data_loader(self) -> Any:
        """The training dataloader (mmcv ``runner.data_loader``)."""
        return self._train_dataloader

    def call_hook(self, fn_name: str, **kwargs: Any) -> None:
        """Calls the hooks; tracks ``inner_iter``/``outputs``/``mode``; keeps checkpoints plain."""
        if fn_name in ('before_train_epoch', 'before_train_iter'):
            self.mode = 'train'
        if 'batch_idx' in kwargs and fn_name.endswith('train_iter'):
            self.inner_iter = int(kwargs['batch_idx'])
        if fn_name == 'after_train_iter':
            self.outputs = legacy_outputs(kwargs.get('outputs'), kwargs.get('data_batch'))
        super().call_hook(fn_name, **kwargs)
        if fn_name == 'before_save_checkpoint':
            to_plain_checkpoint(kwargs['checkpoint'])

    def register_hook(self, hook: Any, priority: Any = None) -> None:
        """Registers a hook, wrapping 0.x hooks in :class:`LegacyHookAdapter`."""
        if isinstance(hook, dict):
            hook = dict(hook)
            cfg_priority = hook.pop('priority', None)
            hook = HOOKS.build(hook)
            priority = cfg_priority if priority is None else priority
        if needs_adapter(hook):
            hook = LegacyHookAdapter(hook)
        super().register_hook(hook, priority)

    def build_visualizer(self, visualizer: Any = None) -> Any:
        """Builds the visualizer and its backends from mmengine's registries.

        MMFewShot registers no visualizers or backends; resolving them in
        mmengine's scope avoids a lookup in the ``mmfewshot`` child registries,
        which have no import locations.
        """
        with DefaultScope.overwrite_default_scope('mmengine'):
            return super().build_visualizer(visualizer)

    # Model placement and wrapping.
    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        """Moves the model to its device; wraps it in :class:`FewShotDistributedDataParallel`."""
        if is_model_wrapper(model) or (self.distributed and model_wrapper_cfg is not None):
            return super().wrap_model(model_wrapper_cfg, model)
        device = torch.device(self._device or get_device())
        model = model.to(device)
        if not self.distributed:
            return revert_sync_batchnorm(model)
        device_ids = [int(os.environ.get('LOCAL_RANK', 0))] if device.type == 'cuda' else None
        return FewShotDistributedDataParallel(
            module=model,
            device_ids=device_ids,
            broadcast_buffers=False,
            find_unused_parameters=bool(self.cfg.get('find_unused_parameters', False)),
        )

    # Schedulers.
    def _build_param_scheduler(self, scheduler: Any, optim_wrapper: Any) -> list:
        schedulers = scheduler if isinstance(scheduler, Sequence) else [scheduler]
        filled = []
        for item in schedulers:
            if isinstance(item, dict) and isinstance(item.get('type'), str):
                cls = PARAM_SCHEDULERS.get(item['type'])
                if isinstance(cls, type) and issubclass(cls, LegacyParamScheduler):
                    item = dict(item)
                    item.setdefault('iters_per_epoch', len(self.train_dataloader))
                    item.setdefault('max_iters', self.max_iters)
                    item.setdefault('max_epochs', self.max_epochs)
            filled.append(item)
        return super()._build_param_scheduler(filled, optim_wrapper)

    # Checkpoints.
    @master_only
    def save_checkpoint(
        self,
        out_dir: str,
        filename: str,
        file_client_args: dict | None = None,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        meta: dict | None = None,
        by_epoch: bool = True,
        backend_args: dict | None = None,
        create_symlink: bool = True,
    ) -> None:
        """Saves a plain-data checkpoint atomically and points ``latest.pth`` at it.

        Args:
            out_dir: Folder of the checkpoint.
            filename: File name, e.g. ``epoch_3.pth``.
            file_client_args: Deprecated mmengine argument (non-local storage).
            save_optimizer: Whether to save the optimizer state.
            save_param_scheduler: Whether to save the scheduler counters.
            meta: Extra meta, merged over :attr:`meta`.
            by_epoch: Whether ``epoch`` or ``iter`` is the finished unit.
            backend_args: mmengine file-backend arguments (non-local storage).
            create_symlink: Whether to update ``latest.pth``.
        """
        meta = {**self.meta, **(meta or {})}
        kwargs = dict(
            save_optimizer=save_optimizer, save_param_scheduler=save_param_scheduler,
            meta=meta, by_epoch=by_epoch,
        )  # fmt: skip
        if file_client_args is not None or backend_args is not None or '://' in str(out_dir):
            super().save_checkpoint(
                out_dir, filename, file_client_args, backend_args=backend_args, **kwargs
            )
            return
        os.makedirs(out_dir, exist_ok=True)
        tmp_name = f'.{filename}.tmp-{os.getpid()}'
        tmp_path = osp.join(out_dir, tmp_name)
        try:
            super().save_checkpoint(out_dir, tmp_name, **kwargs)
            os.replace(tmp_path, osp.join(out_dir, filename))
        finally:
            if osp.exists(tmp_path):
                os.remove(tmp_path)
        if create_symlink:
            update_latest_link(out_dir, filename)

    def load_checkpoint(
        self,
        filename: str,
        map_location: Any = 'cpu',
        strict: bool = False,
        revise_keys: list | None = None,
    ) -> dict[str, Any]:
        """Loads weights with ``weights_only=True`` (no unsafe fallback).

        Args:
            filename: Checkpoint path or URL.
            map_location: As for :func:`torch.load`.
            strict: Whether missing or unexpected keys raise.
            revise_keys: ``(pattern, replacement)`` regexes for the keys
                (default strips ``module.``).

        Returns:
            The checkpoint dict (message-hub buffers restored, scheduler states
            reduced to their counters).
        """
        checkpoint = load_checkpoint_file(filename, map_location)
        if not isinstance(checkpoint, dict):
            raise TypeError(f'checkpoint {filename!r} is not a dict; it cannot be loaded')
        from_plain_checkpoint(checkpoint)
        schedulers = checkpoint.get('param_schedulers')
        if isinstance(schedulers, list):
            checkpoint['param_schedulers'] = [
                {k: v for k, v in state.items() if k in _SCHEDULER_COUNTERS} for state in schedulers
            ]
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        keys = revise_keys if revise_keys is not None else [(r'^module\.', '')]
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint


__all__ = ['FewShotRunner']
