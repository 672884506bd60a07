"""Base class of the few-shot classification heads."""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmfewshot.classification.models.losses import Accuracy
from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType, OptConfigType, OptMultiConfig


def build_loss(loss: ConfigType | nn.Module | None) -> nn.Module:
    """Builds a loss from a config (copied first), or returns a given module."""
    if loss is None:
        loss = dict(type='CrossEntropyLoss', loss_weight=1.0)
    if isinstance(loss, nn.Module):
        return loss
    return MODELS.build(copy.deepcopy(loss))


def scores_to_list(scores: Tensor) -> list[np.ndarray]:
    """Splits per-sample scores (B, N) into B float arrays of shape (N,) on the CPU."""
    return list(scores.detach().cpu().numpy())


@MODELS.register_module()
class BaseFewShotHead(BaseModule):
    """Interface and loss helper of every classification head.

    A head has two lives. During training, :meth:`forward_train` returns a
    dict of losses. During meta-testing, the classifier calls
    :meth:`before_forward_support`, :meth:`forward_support` once per support
    batch, :meth:`before_forward_query`, then :meth:`forward_query` once per
    query batch, which returns one score array per query sample.

    Heads that need the whole support set keep it in the non-persistent
    buffers ``support_feats`` (N*K, ...) and ``support_labels`` (N*K,)
    (see :meth:`_reset_support` and :meth:`_append_support`): they follow
    ``.to(device)`` and stay out of checkpoints.

    Args:
        loss: Loss config (default ``dict(type='CrossEntropyLoss', loss_weight=1.0)``) or module.
        topk: The k values of the top-k accuracy reported when ``cal_acc``.
        cal_acc: Add an ``accuracy`` entry to the training losses.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.
    """

    def __init__(
        self,
        loss: OptConfigType | nn.Module = None,
        topk: int | Sequence[int] = (1,),
        cal_acc: bool = False,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        topk = (topk,) if isinstance(topk, int) else tuple(topk)
        if not topk or any(not isinstance(k, int) or k < 1 for k in topk):
            raise ValueError(f'topk must be positive integers, got {topk}')
        self.topk = topk
        self.cal_acc = cal_acc
        self.compute_loss = build_loss(loss)
        self.compute_accuracy = Accuracy(topk=self.topk)
        self.register_buffer('support_feats', None, persistent=False)
        self.register_buffer('support_labels', None, persistent=False)
        self.support_feats: Tensor | None
        self.support_labels: Tensor | None

    def loss(self, cls_score: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Computes the loss averaged over the batch, and the accuracy if ``cal_acc``.

        Args:
            cls_score: Scores, shape (B, N).
            gt_label: Labels in [0, N), shape (B,).
            **kwargs: Passed to the loss module.

        Returns:
            ``{'loss': Tensor}`` plus ``{'accuracy': {'top-k': Tensor}}`` if ``cal_acc``.
        """
        losses: dict[str, Any] = {}
        num_samples = len(cls_score)
        losses['loss'] = self.compute_loss(cls_score, gt_label, avg_factor=num_samples, **kwargs)
        if self.cal_acc:
            acc = self.compute_accuracy(cls_score.detach(), gt_label)
            losses['accuracy'] = {f'top-{k}': a for k, a in zip(self.topk, acc, strict=True)}
        return losses

    def _reset_support(self) -> None:
        """Forgets the stored support set."""
        self.support_feats = None
        self.support_labels = None

    def _append_support(self, feats: Tensor, labels: Tensor) -> None:
        """Adds a support batch (detached) to the stored support set.

        Args:
            feats: Support features, shape (B, ...).
            labels: Their labels, shape (B,).
        """
        feats = feats.detach()
        labels = labels.detach().reshape(-1).to(feats.device)
        if self.support_feats is None or self.support_labels is None:
            self.support_feats, self.support_labels = feats, labels
        else:
            self.support_feats = torch.cat([self.support_feats, feats])
            self.support_labels = torch.cat([self.support_labels, labels])

    def _stored_support(self) -> tuple[Tensor, Tensor]:
        if self.support_feats is None or self.support_labels is None:
            raise RuntimeError(
                f'{type(self).__name__} has no support set; call forward_support() with '
                'the support batches before before_forward_query()'
            )
        return self.support_feats, self.support_labels

    @abstractmethod
    def forward_train(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Returns the training losses."""

    @abstractmethod
    def forward_support(self, *args: Any, **kwargs: Any) -> Any:
        """Consumes one support batch during meta-testing."""

    @abstractmethod
    def forward_query(self, *args: Any, **kwargs: Any) -> list[np.ndarray]:
        """Returns one score array (N,) per query sample during meta-testing."""

    @abstractmethod
    def before_forward_support(self) -> None:
        """Prepares for a new task's support set."""

    @abstractmethod
    def before_forward_query(self) -> None:
        """Prepares for the query set once the support set has been seen."""
