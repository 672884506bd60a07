"""Cosine-similarity classifier of Baseline++ (Chen et al., ICLR 2019)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .base_head import BaseFewShotHead, scores_to_list
from .linear_head import check_positive_int


class WeightNormLinear(nn.Module):
    """Bias-free linear layer with weight normalisation along the output rows.

    ``weight = weight_g * weight_v / ||weight_v||`` (row-wise), the layout of
    ``torch.nn.utils.weight_norm(nn.Linear(...), dim=0)``: parameters
    ``weight_g`` (N, 1) and ``weight_v`` (N, D), so checkpoints written with
    that layout load unchanged. State dicts in the layout of
    ``torch.nn.utils.parametrizations.weight_norm`` (``parametrizations.weight.
    original0``/``original1``) are converted on load.

    Args:
        in_features: Feature dimension D.
        out_features: Number of rows N.
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight_g = nn.Parameter(torch.empty(out_features, 1))
        self.weight_v = nn.Parameter(torch.empty(out_features, in_features))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draws ``weight_v`` like ``nn.Linear`` and sets ``weight_g = ||weight_v||``."""
        nn.init.kaiming_uniform_(self.weight_v, a=5**0.5)
        with torch.no_grad():
            self.weight_g.copy_(self.weight_v.norm(dim=1, keepdim=True))

    @property
    def weight(self) -> Tensor:
        """The effective weight, shape (N, D)."""
        return self.weight_g * self.weight_v / self.weight_v.norm(dim=1, keepdim=True)

    def forward(self, x: Tensor) -> Tensor:
        """Returns ``x W^T``, shape (B, D) -> (B, N)."""
        return F.linear(x, self.weight)

    def _load_from_state_dict(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        renames = {
            'parametrizations.weight.original0': 'weight_g',
            'parametrizations.weight.original1': 'weight_v',
        }
        for old, new in renames.items():
            if prefix + old in state_dict and prefix + new not in state_dict:
                state_dict[prefix + new] = state_dict.pop(prefix + old)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )

    def extra_repr(self) -> str:
        """Shown by ``repr``."""
        return f'in_features={self.in_features}, out_features={self.out_features}'


@MODELS.register_module()
class CosineDistanceHead(BaseFewShotHead):
    """Weight-normalised fc on L2-normalised features, times a temperature (Baseline++).

    ``logits = T * fc(x / (||x|| + eps))`` where ``fc`` is a
    :class:`WeightNormLinear`.

    Args:
        num_classes: Number of classes N.
        in_channels: Feature dimension D.
        temperature: Scale T; 2 if None and N <= 200, else 10.
        eps: Added to the feature norm.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self,
        num_classes: int,
        in_channels: int,
        temperature: float | None = None,
        eps: float = 1e-5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_classes = check_positive_int('CosineDistanceHead', 'num_classes', num_classes)
        self.in_channels = check_positive_int('CosineDistanceHead', 'in_channels', in_channels)
        if temperature is None:
            temperature = 2.0 if num_classes <= 200 else 10.0
        if temperature <= 0:
            raise ValueError(f'CosineDistanceHead temperature must be positive, got {temperature}')
        self.temperature = float(temperature)
        self.eps = eps
        self.fc = WeightNormLinear(in_channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        """Returns the scaled cosine logits (B, N) of features ``x`` (B, D)."""
        x_normed = x / (x.norm(p=2, dim=1, keepdim=True) + self.eps)
        return self.temperature * self.fc(x_normed)

    def forward_train(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the loss of features ``x`` (B, D) with labels (B,)."""
        return self.loss(self(x), gt_label)

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> dict[str, Any]:
        """Returns the loss on a support batch (B, D), for fine-tuning."""
        return self.forward_train(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the softmax scores (N,) of each query feature in ``x`` (B, D)."""
        return scores_to_list(F.softmax(self(x), dim=1))

    def before_forward_support(self) -> None:
        """Re-initialises the classifier for a new task."""
        self.fc.reset_parameters()

    def before_forward_query(self) -> None:
        """Nothing to prepare."""
