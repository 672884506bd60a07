"""Element-wise loss weighting and reduction shared by the classification losses."""

from __future__ import annotations

import torch
from torch import Tensor

REDUCTIONS = ('none', 'mean', 'sum')


def check_reduction(reduction: str, owner: str) -> str:
    """Returns ``reduction`` if valid.

    Raises:
        ValueError: If it is not one of ``'none'``, ``'mean'``, ``'sum'``.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"{owner} got reduction='{reduction}'; use one of {', '.join(REDUCTIONS)}")
    return reduction


def weight_reduce_loss(
    loss: Tensor,
    weight: Tensor | None = None,
    reduction: str = 'mean',
    avg_factor: float | Tensor | None = None,
) -> Tensor:
    """Applies element-wise weights, then reduces (mmcv/mmdet 2.x semantics).

    With ``avg_factor`` and ``reduction='mean'`` the weighted sum is divided by
    ``avg_factor`` (plus machine epsilon) instead of by the element count.

    Args:
        loss: Element-wise loss, any shape.
        weight: Weights broadcastable to ``loss``.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        avg_factor: Denominator of the mean.

    Returns:
        The reduced loss (a scalar unless ``reduction='none'``).

    Raises:
        ValueError: For an unknown reduction, or ``avg_factor`` with ``'sum'``.
    """
    check_reduction(reduction, 'weight_reduce_loss')
    if weight is not None:
        loss = loss * weight.to(loss.dtype)
    if avg_factor is None:
        if reduction == 'mean':
            return loss.mean()
        if reduction == 'sum':
            return loss.sum()
        return loss
    if reduction == 'mean':
        eps = torch.finfo(loss.dtype).eps
        return loss.sum() / (avg_factor + eps)
    if reduction == 'sum':
        raise ValueError(
            'avg_factor can not be used with reduction="sum"; '
            'use reduction="mean" or drop avg_factor'
        )
    return loss
