"""Negative log-likelihood loss with sample weights."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from mmfewshot.registry import MODELS

from .weighted_loss import WeightedLoss


@MODELS.register_module()
class NLLLoss(WeightedLoss):
    """Weighted negative log-likelihood, ``-log_prob[label]`` per sample.

    ``pred`` holds log-probabilities (B, N), ``target`` labels in [0, N) (B,)
    and ``weight`` per-sample weights (B,).

    Args:
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        loss_weight: Multiplier of the loss.
    """

    def elementwise(self, pred: Tensor, target: Tensor) -> Tensor:
        """``-pred[b, target[b]]`` per sample."""
        return F.nll_loss(pred, target.long(), reduction='none')
