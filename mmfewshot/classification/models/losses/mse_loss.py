"""Mean squared error loss with element weights."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from mmfewshot.registry import MODELS

from .weighted_loss import WeightedLoss


@MODELS.register_module()
class MSELoss(WeightedLoss):
    """Weighted mean squared error, ``loss_weight * reduce(weight * (pred - target)**2)``.

    ``pred`` and ``target`` have the same (any) shape; ``weight`` broadcasts to it.

    Args:
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        loss_weight: Multiplier of the loss.
    """

    def elementwise(self, pred: Tensor, target: Tensor) -> Tensor:
        """``(pred - target)**2`` per element."""
        return F.mse_loss(pred, target.to(pred.dtype), reduction='none')
