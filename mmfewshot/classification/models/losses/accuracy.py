"""Top-k accuracy in percent."""

from __future__ import annotations

import torch
from torch import Tensor


def accuracy(pred: Tensor, target: Tensor, topk: tuple[int, ...] = (1,)) -> list[Tensor]:
    """Computes the top-k accuracy of class scores.

    Args:
        pred: Scores, shape (B, N).
        target: Labels in [0, N), shape (B,).
        topk: The k values to report; each k larger than N counts as N.

    Returns:
        One scalar tensor per k: the percentage (0-100) of samples whose
        label is among the k highest scores.
    """
    num = pred.size(0)
    if num == 0:
        return [pred.new_tensor(0.0) for _ in topk]
    maxk = min(max(topk), pred.size(1))
    _, top = pred.topk(maxk, dim=1)  # (B, maxk)
    hits = top == target.reshape(-1, 1).to(top.device)
    return [hits[:, : min(k, maxk)].any(dim=1).float().sum() * (100.0 / num) for k in topk]


class Accuracy(torch.nn.Module):
    """Module form of :func:`accuracy`.

    Args:
        topk: The k values to report.
    """

    def __init__(self, topk: tuple[int, ...] = (1,)) -> None:
        super().__init__()
        self.topk = tuple(topk)

    def forward(self, pred: Tensor, target: Tensor) -> list[Tensor]:
        """Returns the top-k accuracies (percent) of ``pred`` (B, N) against ``target`` (B,)."""
        return accuracy(pred, target, self.topk)
