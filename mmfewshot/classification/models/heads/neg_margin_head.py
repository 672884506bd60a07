"""Classifier with a negative margin on the target logit (Liu et al., ECCV 2020)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .base_head import BaseFewShotHead, scores_to_list
from .linear_head import check_positive_int

_METRICS = ('cosine', 'softmax')


@MODELS.register_module()
class NegMarginHead(BaseFewShotHead):
    """``logits = T * (s(x, W) - m * onehot(y))``, margin m <= 0 on the target class only.

    ``s`` is the cosine similarity of features and class weights
    (``metric_type='cosine'``) or their dot product (``'softmax'``). The
    margin is applied only when labels are given (training and support
    fine-tuning); query scores are ``softmax(T * s(x, W))``.

    Args:
        num_classes: Number of classes N.
        in_channels: Feature dimension D.
        temperature: Scale T.
        margin: Margin m, at most 0 (the paper's negative margin).
        metric_type: ``'cosine'`` or ``'softmax'``.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self,
        num_classes: int,
        in_channels: int,
        temperature: float = 30.0,
        margin: float = 0.0,
        metric_type: str = 'cosine',
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_classes = check_positive_int('NegMarginHead', 'num_classes', num_classes)
        self.in_channels = check_positive_int('NegMarginHead', 'in_channels', in_channels)
        if margin > 0:
            raise ValueError(f'NegMarginHead margin must be <= 0 (a negative margin), got {margin}')
        if metric_type not in _METRICS:
            raise ValueError(
                f"NegMarginHead metric_type='{metric_type}' is unknown; use one of {_METRICS}"
            )
        if temperature <= 0:
            raise ValueError(f'NegMarginHead temperature must be positive, got {temperature}')
        self.temperature = float(temperature)
        self.margin = float(margin)
        self.metric_type = metric_type
        self.weight = nn.Parameter(torch.empty(num_classes, in_channels))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draws fresh class weights (Kaiming-uniform, as ``nn.Linear``)."""
        nn.init.kaiming_uniform_(self.weight, a=5**0.5)

    def similarity(self, x: Tensor) -> Tensor:
        """Returns the similarity (B, N) of features ``x`` (B, D) and each class weight."""
        if self.metric_type == 'cosine':
            return F.linear(F.normalize(x, dim=1), F.normalize(self.weight, dim=1))
        return F.linear(x, self.weight)

    def forward(self, x: Tensor, gt_label: Tensor | None = None) -> Tensor:
        """Returns the logits (B, N); with labels (B,), the target logit gets the margin."""
        sim = self.similarity(x)
        if gt_label is not None:
            labels = gt_label.long().reshape(-1).to(sim.device)
            one_hot = F.one_hot(labels, self.num_classes).to(sim.dtype)
            sim = sim - self.margin * one_hot
        return self.temperature * sim

    def forward_train(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the margin loss of features ``x`` (B, D) with labels (B,)."""
        return self.loss(self(x, gt_label), gt_label)

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the margin loss on a support batch (B, D), for fine-tuning."""
        return self.forward_train(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the softmax scores (N,) of each query feature in ``x`` (B, D)."""
        return scores_to_list(F.softmax(self(x), dim=1))

    def before_forward_support(self) -> None:
        """Re-initialises the class weights for a new task."""
        self.reset_parameters()

    def before_forward_query(self) -> None:
        """Nothing to prepare."""
