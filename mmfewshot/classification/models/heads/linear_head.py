"""Linear classification head (Baseline, MAML)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .base_head import BaseFewShotHead, scores_to_list


def check_positive_int(owner: str, name: str, value: int) -> int:
    """Returns ``value`` if it is a positive integer, else raises ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'{owner} {name}={value!r} must be a positive integer')
    return value


@MODELS.register_module()
class LinearHead(BaseFewShotHead):
    """A fully connected classifier, ``logits = x W^T + b`` (Chen et al., ICLR 2019: Baseline).

    Used as the meta-test head, it starts from fresh weights for each task
    (:meth:`before_forward_support`) and is fine-tuned on the support set
    through :meth:`forward_support`.

    Args:
        num_classes: Number of classes N.
        in_channels: Feature dimension D.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(self, num_classes: int, in_channels: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.num_classes = check_positive_int('LinearHead', 'num_classes', num_classes)
        self.in_channels = check_positive_int('LinearHead', 'in_channels', in_channels)
        self.fc = nn.Linear(in_channels, num_classes)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draws fresh weights: N(0, 0.01) weight, zero bias."""
        nn.init.normal_(self.fc.weight, mean=0.0, std=0.01)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Returns the logits (B, N) of features ``x`` (B, D)."""
        return self.fc(x)

    def forward_train(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the cross-entropy loss of features ``x`` (B, D) with labels (B,)."""
        return self.loss(self(x), gt_label)

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the loss on a support batch (B, D), for fine-tuning."""
        return self.forward_train(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the softmax scores (N,) of each query feature in ``x`` (B, D)."""
        return scores_to_list(F.softmax(self(x), dim=1))

    def before_forward_support(self) -> None:
        """Re-initialises the classifier for a new task."""
        self.reset_parameters()

    def before_forward_query(self) -> None:
        """Nothing to prepare."""
