"""MAML (Finn et al., ICML 2017): learn an initialisation that adapts in a few steps."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mmfewshot.classification.models.utils import (
    convert_maml_module,
    episode_class_ids,
    map_labels,
    set_fast_weights,
)
from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base import BaseFewShotClassifier


@MODELS.register_module()
class MAML(BaseFewShotClassifier):
    """Model-agnostic meta-learning with fast weights.

    Every ``Linear``, ``Conv2d`` and ``BatchNorm2d`` is swapped for a
    fast-weight layer (:func:`convert_maml_module`; names and checkpoints are
    unchanged; batch norm always uses batch statistics). Training on an
    episode takes ``num_inner_steps`` SGD steps of size ``inner_lr`` on the
    support loss, starting from the parameters, then returns the query loss
    of the adapted weights; its gradient reaches the parameters through the
    inner steps (second order), or treats the inner gradients as constants
    if ``first_order``. Episode labels are the support class ids in sorted
    order.

    Meta-testing stores the support images (``forward(mode='support')``),
    adapts on all of them in :meth:`before_forward_query` with
    ``meta_test_cfg['support'].get('num_inner_steps', num_inner_steps)``
    first-order steps, and scores queries with the adapted weights. The
    backbone changes per task, so features cannot be cached
    (``fast_test=False``).

    Args:
        backbone: Backbone config or module.
        head: Head config or module; default
            ``dict(type='LinearHead', num_classes=5, in_channels=1600)``.
        num_inner_steps: Inner-loop steps per training episode.
        inner_lr: Inner-loop learning rate.
        first_order: Drop the second-order terms of the meta-gradient.
        **kwargs: ``neck``, ``train_cfg``, ``data_preprocessor``, ``init_cfg``
            of :class:`BaseFewShotClassifier`.
    """

    def __init__(
        self,
        backbone: ConfigType | nn.Module,
        head: ConfigType | nn.Module | None = None,
        num_inner_steps: int = 2,
        inner_lr: float = 0.01,
        first_order: bool = False,
        **kwargs: Any,
    ) -> None:
        if head is None:
            head = dict(type='LinearHead', num_classes=5, in_channels=1600)
        super().__init__(backbone=backbone, head=head, **kwargs)
        if isinstance(num_inner_steps, bool) or not isinstance(num_inner_steps, int):
            raise ValueError(f'MAML num_inner_steps must be an integer, got {num_inner_steps!r}')
        if num_inner_steps < 0:
            raise ValueError(f'MAML num_inner_steps must be >= 0, got {num_inner_steps}')
        if inner_lr <= 0:
            raise ValueError(f'MAML inner_lr must be positive, got {inner_lr}')
        self.num_inner_steps = num_inner_steps
        self.inner_lr = float(inner_lr)
        self.first_order = first_order
        self.backbone = convert_maml_module(self.backbone)
        if self.neck is not None:
            self.neck = convert_maml_module(self.neck)
        assert self.head is not None
        self.head = convert_maml_module(self.head)
        self.register_buffer('support_img', None, persistent=False)
        self.register_buffer('support_labels', None, persistent=False)
        self.support_img: Tensor | None
        self.support_labels: Tensor | None

    def _support_loss(self, img: Tensor, labels: Tensor) -> Tensor:
        assert self.head is not None
        return self.head.forward_train(self.extract_feat(img), labels)['loss']

    def fast_adapt(
        self, img: Tensor, labels: Tensor, num_steps: int, create_graph: bool, detach: bool = False
    ) -> dict[str, Tensor]:
        """Takes ``num_steps`` gradient steps on a support set and installs the fast weights.

        Args:
            img: Support images, shape (N*K, C, H, W).
            labels: Episode labels in [0, N), shape (N*K,).
            num_steps: Number of inner steps.
            create_graph: Keep the graph of the inner gradients (second order).
            detach: Cut the fast weights from the parameters (meta-testing).

        Returns:
            The adapted tensors keyed by parameter name, also set on the layers.
        """
        named = [(n, p) for n, p in self.named_parameters() if p.requires_grad]
        names = [n for n, _ in named]
        fast = [p.detach().requires_grad_(True) if detach else p for _, p in named]
        for _ in range(num_steps):
            set_fast_weights(self, dict(zip(names, fast, strict=True)))
            loss = self._support_loss(img, labels)
            grads = torch.autograd.grad(loss, fast, create_graph=create_graph, allow_unused=True)
            fast = [
                w if g is None else w - self.inner_lr * g for w, g in zip(fast, grads, strict=True)
            ]
            if detach:
                fast = [w.detach().requires_grad_(True) for w in fast]
        adapted = dict(zip(names, fast, strict=True))
        set_fast_weights(self, adapted)
        return adapted

    def forward_train(
        self,
        support_data: dict[str, Any] | None = None,
        query_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Returns the query loss after adapting on the support set of one episode.

        Args:
            support_data: ``img`` (N*K, C, H, W) and ``gt_label`` (N*K,) class ids.
            query_data: ``img`` (M, C, H, W) and ``gt_label`` (M,) class ids.
            **kwargs: Ignored.

        Returns:
            The head's loss dict on the query set.
        """
        for name, part in (('support_data', support_data), ('query_data', query_data)):
            if part is None or part.get('img') is None or part.get('gt_label') is None:
                raise ValueError(
                    f"MAML.forward(mode='train') needs {name} with 'img' and 'gt_label'; "
                    'train MAML on episodes (EpisodicDataset)'
                )
        assert support_data is not None
        assert query_data is not None
        class_ids = episode_class_ids(support_data['gt_label'])
        support_labels = map_labels(support_data['gt_label'], class_ids)
        query_labels = map_labels(query_data['gt_label'], class_ids)
        try:
            self.fast_adapt(
                support_data['img'],
                support_labels,
                self.num_inner_steps,
                create_graph=not self.first_order,
            )
            return self.head.forward_train(self.extract_feat(query_data['img']), query_labels)
        finally:
            set_fast_weights(self, None)

    def before_meta_test(self, meta_test_cfg: ConfigType, **kwargs: Any) -> None:
        """Stores ``meta_test_cfg`` and puts the model in eval mode."""
        if meta_test_cfg.get('fast_test', False):
            raise ValueError(
                'MAML adapts its backbone per task, so cached features cannot be used; '
                'set meta_test_cfg.fast_test=False'
            )
        self.meta_test_cfg = copy.deepcopy(dict(meta_test_cfg))
        self.eval()

    def before_forward_support(self, **kwargs: Any) -> None:
        """Restores the meta-learned weights and forgets the previous support set."""
        self._require_meta_test_cfg()
        set_fast_weights(self, None)
        self.support_img = None
        self.support_labels = None

    def forward_support(
        self,
        gt_label: Tensor,
        img: Tensor | None = None,
        feats: Tensor | None = None,
        **kwargs: Any,
    ) -> None:
        """Stores a support batch: images (B, C, H, W) and labels (B,)."""
        if img is None:
            raise ValueError(
                'MAML needs support images, not cached features; set meta_test_cfg.fast_test=False'
            )
        labels = gt_label.reshape(-1).to(img.device)
        if self.support_img is None or self.support_labels is None:
            self.support_img, self.support_labels = img.detach(), labels
        else:
            self.support_img = torch.cat([self.support_img, img.detach()])
            self.support_labels = torch.cat([self.support_labels, labels])

    def before_forward_query(self, **kwargs: Any) -> None:
        """Adapts the weights on the stored support set."""
        cfg = self._require_meta_test_cfg()
        if self.support_img is None or self.support_labels is None:
            raise RuntimeError(
                "MAML: forward the support set (forward(mode='support')) before "
                'before_forward_query()'
            )
        steps = int(cfg.get('support', {}).get('num_inner_steps', self.num_inner_steps))
        labels = map_labels(self.support_labels, episode_class_ids(self.support_labels))
        with torch.enable_grad():
            self.fast_adapt(self.support_img, labels, steps, create_graph=False, detach=True)

    def forward_query(
        self, img: Tensor | None = None, feats: Tensor | None = None, **kwargs: Any
    ) -> list[np.ndarray]:
        """Returns the adapted model's scores (N,) for each query image."""
        if img is None:
            raise ValueError(
                'MAML needs query images, not cached features; set meta_test_cfg.fast_test=False'
            )
        assert self.head is not None
        with torch.no_grad():
            return self.head.forward_query(self.extract_feat(img))
