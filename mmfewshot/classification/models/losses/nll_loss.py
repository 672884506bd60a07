"""Negative log-likelihood loss with sample weights."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .utils import check_reduction, weight_reduce_loss


@MODELS.register_module()
class NLLLoss(nn.Module):
    """Weighted negative log-likelihood, ``-log_prob[label]`` per sample.

    Args:
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        loss_weight: Multiplier of the loss.
    """

    def __init__(self, reduction: str = 'mean', loss_weight: float = 1.0) -> None:
        super().__init__()
        self.reduction = check_reduction(reduction, 'NLLLoss')
        self.loss_weight = loss_weight

    def forward(
        self,
        pred: Tensor,
        target: Tensor,
        weight: Tensor | None = None,
        avg_factor: float | None = None,
        reduction_override: str | None = None,
    ) -> Tensor:
        """Computes the loss.

        Args:
            pred: Log-probabilities, shape (B, N).
            target: Labels in [0, N), shape (B,).
            weight: Per-sample weights, shape (B,).
            avg_factor: Denominator of the mean.
            reduction_override: Replaces the configured reduction.

        Returns:
            The loss times ``loss_weight``.
        """
        reduction = check_reduction(reduction_override or self.reduction, 'NLLLoss')
        loss = F.nll_loss(pred, target.long(), reduction='none')
        return self.loss_weight * weight_reduce_loss(loss, weight, reduction, avg_factor)
