"""Base of the losses computed per element, then weighted, reduced and scaled."""

from __future__ import annotations

from abc import abstractmethod

from torch import Tensor, nn

from .utils import check_reduction, weight_reduce_loss


class WeightedLoss(nn.Module):
    """``loss_weight * reduce(weight * elementwise(pred, target))``.

    Subclasses define :meth:`elementwise`; the weighting, the reduction
    (with ``avg_factor`` and ``reduction_override``) and the scaling are
    shared.

    Args:
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        loss_weight: Multiplier of the loss.
    """

    def __init__(self, reduction: str = 'mean', loss_weight: float = 1.0) -> None:
        super().__init__()
        self.reduction = check_reduction(reduction, type(self).__name__)
        self.loss_weight = loss_weight

    @abstractmethod
    def elementwise(self, pred: Tensor, target: Tensor) -> Tensor:
        """The unreduced loss of each element (or sample)."""

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
            pred: Predictions (see the subclass for the shape).
            target: Targets (see the subclass).
            weight: Weights broadcastable to the unreduced loss.
            avg_factor: Denominator of the mean.
            reduction_override: Replaces the configured reduction.

        Returns:
            The loss times ``loss_weight``.
        """
        reduction = check_reduction(reduction_override or self.reduction, type(self).__name__)
        loss = self.elementwise(pred, target)
        return self.loss_weight * weight_reduce_loss(loss, weight, reduction, avg_factor)
