"""Cross-entropy loss with the mmdet 2.x / mmcls 0.x arguments (softmax, sigmoid or mask)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .utils import check_reduction, weight_reduce_loss

_DEFAULT_IGNORE_INDEX = -100


def softmax_cross_entropy(
    pred: Tensor,
    label: Tensor,
    weight: Tensor | None = None,
    reduction: str = 'mean',
    avg_factor: float | None = None,
    class_weight: Tensor | None = None,
    ignore_index: int = _DEFAULT_IGNORE_INDEX,
    avg_non_ignore: bool = False,
) -> Tensor:
    """Softmax cross-entropy on integer labels.

    Args:
        pred: Logits, shape (B, N).
        label: Labels in [0, N) (or ``ignore_index``), shape (B,).
        weight: Per-sample weights, shape (B,).
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        avg_factor: Denominator of the mean.
        class_weight: Per-class weights, shape (N,).
        ignore_index: Label value that contributes no loss.
        avg_non_ignore: Average over the non-ignored samples only.

    Returns:
        The loss, shape (B,) for ``'none'``, else a scalar.
    """
    loss = F.cross_entropy(
        pred, label, weight=class_weight, reduction='none', ignore_index=ignore_index
    )
    if avg_factor is None and avg_non_ignore and reduction == 'mean':
        avg_factor = float(label.numel() - int((label == ignore_index).sum()))
    return weight_reduce_loss(loss, weight, reduction, avg_factor)


def _expand_onehot_labels(
    labels: Tensor, weight: Tensor | None, channels: int, ignore_index: int
) -> tuple[Tensor, Tensor, Tensor]:
    valid = (labels >= 0) & (labels != ignore_index)
    one_hot = torch.zeros(labels.size(0), channels, dtype=torch.float, device=labels.device)
    in_range = valid & (labels < channels)
    rows = torch.nonzero(in_range, as_tuple=True)[0]
    one_hot[rows, labels[rows]] = 1.0
    valid_mask = valid.reshape(-1, 1).expand(-1, channels).float()
    if weight is None:
        expanded = valid_mask
    else:
        expanded = weight.reshape(-1, 1).expand(-1, channels).float() * valid_mask
    return one_hot, expanded, valid_mask


def binary_cross_entropy(
    pred: Tensor,
    label: Tensor,
    weight: Tensor | None = None,
    reduction: str = 'mean',
    avg_factor: float | None = None,
    class_weight: Tensor | None = None,
    ignore_index: int = _DEFAULT_IGNORE_INDEX,
    avg_non_ignore: bool = False,
) -> Tensor:
    """Sigmoid binary cross-entropy; integer labels are expanded to one-hot.

    Integer labels ``l`` of shape (B,) against ``pred`` (B, N) become one-hot
    rows; ``l == N`` (background) gives an all-zero row and negative or
    ``ignore_index`` labels get zero weight.

    Args:
        pred: Logits, shape (B, N) (or the shape of ``label``).
        label: Labels, shape (B,), or binary targets shaped like ``pred``.
        weight: Weights, shape (B,) or like ``pred``.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        avg_factor: Denominator of the mean.
        class_weight: ``pos_weight`` per class, shape (N,).
        ignore_index: Label value that contributes no loss.
        avg_non_ignore: Average over the valid elements only.

    Returns:
        The loss, shaped like ``pred`` for ``'none'``, else a scalar.
    """
    if pred.dim() != label.dim():
        label, weight, valid = _expand_onehot_labels(label, weight, pred.size(-1), ignore_index)
    else:
        valid = ((label >= 0) & (label != ignore_index)).float()
        weight = valid if weight is None else weight * valid
    if avg_non_ignore and reduction == 'mean' and avg_factor is None:
        avg_factor = float(valid.sum())
    loss = F.binary_cross_entropy_with_logits(
        pred, label.float(), pos_weight=class_weight, reduction='none'
    )
    return weight_reduce_loss(loss, weight.float(), reduction, avg_factor)


def mask_cross_entropy(
    pred: Tensor,
    target: Tensor,
    label: Tensor,
    reduction: str = 'mean',
    avg_factor: float | None = None,
    class_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of each RoI's mask for its own class.

    Args:
        pred: Mask logits, shape (R, N, H, W).
        target: Binary masks, shape (R, H, W).
        label: Class of each RoI, shape (R,).
        reduction: Only ``'mean'`` is supported.
        avg_factor: Must be None.
        class_weight: Element weights broadcastable to (R, H, W).

    Returns:
        The mean loss, shape (1,).
    """
    if reduction != 'mean' or avg_factor is not None:
        raise ValueError(
            'mask cross-entropy supports reduction="mean" without avg_factor only; '
            'drop reduction_override/avg_factor for use_mask=True'
        )
    rows = torch.arange(pred.size(0), device=pred.device)
    selected = pred[rows, label.long()]
    loss = F.binary_cross_entropy_with_logits(
        selected, target.float(), weight=class_weight, reduction='mean'
    )
    return loss[None]


@MODELS.register_module()
class CrossEntropyLoss(nn.Module):
    """Cross-entropy loss, configured as in mmdet 2.x and mmcls 0.x.

    Args:
        use_sigmoid: Use sigmoid binary cross-entropy instead of softmax.
        use_mask: Use the per-RoI mask cross-entropy.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        class_weight: Per-class weights (softmax) or ``pos_weight`` (sigmoid).
        ignore_index: Label value that contributes no loss (default -100).
        loss_weight: Multiplier of the loss.
        avg_non_ignore: Average over the non-ignored samples only.
    """

    def __init__(
        self,
        use_sigmoid: bool = False,
        use_mask: bool = False,
        reduction: str = 'mean',
        class_weight: Sequence[float] | None = None,
        ignore_index: int | None = None,
        loss_weight: float = 1.0,
        avg_non_ignore: bool = False,
    ) -> None:
        super().__init__()
        if use_sigmoid and use_mask:
            raise ValueError(
                'CrossEntropyLoss got use_sigmoid=True and use_mask=True; set at most one of them'
            )
        self.use_sigmoid = use_sigmoid
        self.use_mask = use_mask
        self.reduction = check_reduction(reduction, 'CrossEntropyLoss')
        self.class_weight = None if class_weight is None else list(class_weight)
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self.avg_non_ignore = avg_non_ignore

    def extra_repr(self) -> str:
        """Shown by ``repr``."""
        return (
            f'use_sigmoid={self.use_sigmoid}, use_mask={self.use_mask}, '
            f'avg_non_ignore={self.avg_non_ignore}'
        )

    def forward(
        self,
        cls_score: Tensor,
        label: Tensor,
        weight: Tensor | None = None,
        avg_factor: float | None = None,
        reduction_override: str | None = None,
        ignore_index: int | None = None,
        **kwargs: object,
    ) -> Tensor:
        """Computes the weighted loss.

        Args:
            cls_score: Logits, shape (B, N) (mask: (R, N, H, W)).
            label: Labels, shape (B,) (mask: target masks (R, H, W)).
            weight: Per-sample weights (mask: the RoI labels, shape (R,)).
            avg_factor: Denominator of the mean.
            reduction_override: Replaces the configured reduction.
            ignore_index: Replaces the configured ignore index.
            **kwargs: Accepted for interface compatibility and ignored.

        Returns:
            The loss times ``loss_weight``.
        """
        reduction = check_reduction(reduction_override or self.reduction, 'CrossEntropyLoss')
        index = ignore_index if ignore_index is not None else self.ignore_index
        index = _DEFAULT_IGNORE_INDEX if index is None else index
        class_weight = (
            None
            if self.class_weight is None
            else cls_score.new_tensor(self.class_weight, dtype=cls_score.dtype)
        )
        if self.use_mask:
            if weight is None:
                raise ValueError(
                    'CrossEntropyLoss(use_mask=True) needs the RoI labels as its third argument'
                )
            loss = mask_cross_entropy(cls_score, label, weight, reduction, avg_factor, class_weight)
        elif self.use_sigmoid:
            loss = binary_cross_entropy(
                cls_score,
                label,
                weight,
                reduction,
                avg_factor,
                class_weight,
                index,
                self.avg_non_ignore,
            )
        else:
            loss = softmax_cross_entropy(
                cls_score,
                label,
                weight,
                reduction,
                avg_factor,
                class_weight,
                index,
                self.avg_non_ignore,
            )
        return self.loss_weight * loss
