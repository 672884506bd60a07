"""Base class of the few-shot classifiers: the 0.x model API on top of mmengine."""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections import OrderedDict
from typing import Any

import torch
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from torch import Tensor, nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType, OptConfigType, OptMultiConfig

MODES = ('train', 'support', 'query', 'extract_feat')


def build_module(cfg: ConfigType | nn.Module) -> nn.Module:
    """Builds ``cfg`` through ``MODELS`` (on a copy), or returns a given module."""
    if isinstance(cfg, nn.Module):
        return cfg
    return MODELS.build(copy.deepcopy(cfg))


@MODELS.register_module()
class BaseFewShotClassifier(BaseModel):
    """Backbone (+ neck) + head, dispatching ``forward`` on ``mode``.

    The model API of MMFewShot 0.x: ``forward(img, feats, support_data,
    query_data, mode, img_metas, gt_label)`` with modes

    * ``'train'``: returns a dict of losses (keys containing ``loss`` are
      summed by :meth:`parse_losses`, other entries are logged);
    * ``'support'``: consumes one batch of a meta-test task's support set;
    * ``'query'``: returns one score array (N,) per query sample;
    * ``'extract_feat'``: returns the backbone (+ neck) features of ``img``.

    Meta-testing a task is: :meth:`before_meta_test` once for the whole test,
    then per task (on a copy of the model) :meth:`before_forward_support`,
    ``forward(mode='support')`` for each support batch,
    :meth:`before_forward_query` and ``forward(mode='query')`` for each query
    batch. mmengine's :meth:`train_step` (data preprocessor, ``mode='train'``,
    :meth:`parse_losses`, optimizer update), :meth:`val_step` and
    :meth:`test_step` (``mode='query'``) are built on this API.

    The ``device_indicator`` buffer (empty) tells the model's device, as in
    the original checkpoints.

    Args:
        backbone: Backbone config or module.
        neck: Optional neck config or module.
        head: Head config or module.
        train_cfg: Training options; the mmcls ``augments`` option is not supported.
        data_preprocessor: Defaults to ``dict(type='FewShotDataPreprocessor')``.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.
    """

    def __init__(
        self,
        backbone: ConfigType | nn.Module,
        neck: OptConfigType | nn.Module = None,
        head: OptConfigType | nn.Module = None,
        train_cfg: OptConfigType = None,
        data_preprocessor: OptConfigType | nn.Module = None,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='FewShotDataPreprocessor')
        super().__init__(data_preprocessor=build_module(data_preprocessor), init_cfg=init_cfg)
        if train_cfg is not None and train_cfg.get('augments') is not None:
            raise ValueError(
                f'{type(self).__name__}: train_cfg.augments (mmcls Mixup/CutMix) is not '
                'supported; remove train_cfg.augments from the model config'
            )
        self.train_cfg = copy.deepcopy(train_cfg)
        # Heads are duck-typed (forward_train/forward_support/forward_query/
        # before_forward_*), so user heads need not subclass BaseFewShotHead.
        self.backbone: Any = build_module(backbone)
        self.neck: Any = None if neck is None else build_module(neck)
        self.head: Any = None if head is None else build_module(head)
        self.meta_test_cfg: dict[str, Any] | None = None
        self.register_buffer('device_indicator', torch.empty(0))

    @property
    def with_neck(self) -> bool:
        """Whether the model has a neck."""
        return self.neck is not None

    @property
    def with_head(self) -> bool:
        """Whether the model has a head."""
        return self.head is not None

    @property
    def device(self) -> torch.device:
        """The device of the model's tensors."""
        return self.device_indicator.device

    def extract_feat(self, img: Tensor) -> Tensor:
        """Returns the backbone (+ neck) features of images (B, C, H, W)."""
        x = self.backbone(img)
        if self.neck is not None:
            x = self.neck(x)
        return x

    def forward(
        self,
        img: Tensor | None = None,
        feats: Tensor | None = None,
        support_data: dict[str, Any] | None = None,
        query_data: dict[str, Any] | None = None,
        mode: str = 'train',
        img_metas: list[dict[str, Any]] | None = None,
        gt_label: Tensor | None = None,
        **kwargs: Any,
    ) -> Any:
        """Dispatches to ``forward_<mode>``; see the class docstring.

        Args:
            img: Images, shape (B, C, H, W).
            feats: Pre-extracted features (fast meta-test), shape (B, ...).
            support_data: Episode support batch (``img`` (N*K, C, H, W),
                ``gt_label`` (N*K,), ``img_metas``), for episodic training.
            query_data: Episode query batch, likewise (M images).
            mode: ``'train'``, ``'support'``, ``'query'`` or ``'extract_feat'``.
            img_metas: Image meta dicts, one per image.
            gt_label: Labels, shape (B,).
            **kwargs: Passed to the mode's method.

        Returns:
            Losses (train), None (support), a list of (N,) score arrays
            (query), or a feature tensor (extract_feat).
        """
        if mode == 'train':
            return self.forward_train(
                img=img,
                feats=feats,
                support_data=support_data,
                query_data=query_data,
                img_metas=img_metas,
                gt_label=gt_label,
                **kwargs,
            )
        if mode == 'support':
            _require_input(img, feats, mode)
            if gt_label is None:
                raise ValueError("forward(mode='support') needs gt_label for the support images")
            return self.forward_support(
                img=img, feats=feats, gt_label=gt_label, img_metas=img_metas, **kwargs
            )
        if mode == 'query':
            _require_input(img, feats, mode)
            return self.forward_query(img=img, feats=feats, img_metas=img_metas, **kwargs)
        if mode == 'extract_feat':
            if img is None:
                raise ValueError("forward(mode='extract_feat') needs img")
            return self.extract_feat(img)
        raise ValueError(f"forward got mode='{mode}'; use one of {', '.join(MODES)}")

    def train_step(
        self, data: dict[str, Any] | tuple | list, optim_wrapper: OptimWrapper
    ) -> dict[str, Tensor]:
        """One optimisation step: preprocess, ``mode='train'``, parse losses, update.

        Args:
            data: A collated batch: ``{'img', 'gt_label', 'img_metas'}`` or
                ``{'support_data': {...}, 'query_data': {...}}``.
            optim_wrapper: Updates the parameters.

        Returns:
            The logged variables (``loss`` first).
        """
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
            losses = self._run_forward(data, mode='train')
        parsed_loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        return log_vars

    def val_step(self, data: dict[str, Any] | tuple | list) -> list[Any]:
        """Predicts a query batch of the current task: one (N,) score array per sample."""
        data = self.data_preprocessor(data, False)
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != 'gt_label'}
        return self._run_forward(data, mode='query')

    def test_step(self, data: dict[str, Any] | tuple | list) -> list[Any]:
        """Same as :meth:`val_step`."""
        return self.val_step(data)

    def parse_losses(self, losses: dict[str, Any]) -> tuple[Tensor, dict[str, Tensor]]:
        """Sums the entries whose key contains ``loss``; flattens nested dicts for logging.

        A nested dict such as ``{'accuracy': {'top-1': t}}`` is logged under
        its inner keys (``top-1``), as mmcls 0.x did.

        Args:
            losses: Tensors, lists of tensors, or dicts of them.

        Returns:
            The total loss and the ordered log variables (``loss`` first).
        """
        log_vars: OrderedDict[str, Tensor] = OrderedDict()
        for name, value in losses.items():
            if isinstance(value, dict):
                for inner_name, inner in value.items():
                    log_vars[inner_name] = _mean_of(inner, inner_name)
            else:
                log_vars[name] = _mean_of(value, name)
        total = [v for k, v in log_vars.items() if 'loss' in k]
        if not total:
            raise ValueError(
                f'the model returned no entry whose key contains "loss" (got {list(log_vars)}); '
                'forward_train must return at least one loss'
            )
        loss = torch.stack(total).sum() if len(total) > 1 else total[0]
        log_vars = OrderedDict(
            [('loss', loss), *((k, v) for k, v in log_vars.items() if k != 'loss')]
        )
        return loss, log_vars

    def _require_meta_test_cfg(self) -> dict[str, Any]:
        if self.meta_test_cfg is None:
            raise RuntimeError(
                f'{type(self).__name__}: call before_meta_test(meta_test_cfg) before meta-testing'
            )
        return self.meta_test_cfg

    @abstractmethod
    def forward_train(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Returns the training losses."""

    @abstractmethod
    def forward_support(self, *args: Any, **kwargs: Any) -> Any:
        """Consumes one support batch of a meta-test task."""

    @abstractmethod
    def forward_query(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Returns one (N,) score array per query sample."""

    @abstractmethod
    def before_meta_test(self, meta_test_cfg: ConfigType, *args: Any, **kwargs: Any) -> None:
        """Prepares the (copied) model for meta-testing with ``meta_test_cfg``."""

    @abstractmethod
    def before_forward_support(self, *args: Any, **kwargs: Any) -> None:
        """Prepares for a new task's support set."""

    @abstractmethod
    def before_forward_query(self, *args: Any, **kwargs: Any) -> None:
        """Prepares for the query set once the support set has been seen."""


def _require_input(img: Tensor | None, feats: Tensor | None, mode: str) -> None:
    if img is None and feats is None:
        raise ValueError(f"forward(mode='{mode}') needs img or feats")


def _mean_of(value: Any, name: str) -> Tensor:
    if isinstance(value, Tensor):
        return value.mean()
    if isinstance(value, list | tuple) and value and all(isinstance(v, Tensor) for v in value):
        return torch.stack([v.mean() for v in value]).sum()
    raise TypeError(
        f'loss entry {name!r} is a {type(value).__name__}, not a tensor or list of tensors'
    )
