"""Relation module of RelationNet (Sung et al., CVPR 2018)."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.classification.models.losses import CrossEntropyLoss, MSELoss
from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import OptConfigType

from .linear_head import check_positive_int
from .prototype_scoring_head import PrototypeScoringHead


def _relation_block(in_channels: int, out_channels: int, padding: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=padding),
        nn.BatchNorm2d(out_channels, momentum=1.0, affine=True),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


@MODELS.register_module()
class RelationHead(PrototypeScoringHead):
    """Learned relation score of each (query, class prototype) pair.

    Prototypes are class means of the support feature maps. Each pair
    ``concat(query_map, prototype_map)`` (2C channels, query first) goes
    through two conv3x3-BN-ReLU-MaxPool blocks (padding 1 only if both map
    sides are below 10), ``fc1`` (ReLU) and ``fc2``, giving one relation
    logit. With ``CrossEntropyLoss`` the logits (M, N) are trained as class
    scores; with ``MSELoss`` their sigmoids are regressed onto the one-hot
    pair targets (1 for the query's class, 0 otherwise), averaged over the
    M*N pairs.

    Args:
        in_channels: Channels C of the feature maps.
        feature_size: (H, W) of the feature maps.
        hidden_channels: Width of ``fc1``.
        loss: ``CrossEntropyLoss`` (default) or ``MSELoss`` config or module.
        **kwargs: ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self,
        in_channels: int,
        feature_size: Sequence[int] = (7, 7),
        hidden_channels: int = 8,
        loss: OptConfigType | nn.Module = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(loss=copy.deepcopy(loss), **kwargs)
        if not isinstance(self.compute_loss, CrossEntropyLoss | MSELoss):
            raise ValueError(
                f'RelationHead supports CrossEntropyLoss and MSELoss, got '
                f'{type(self.compute_loss).__name__}; set loss=dict(type="CrossEntropyLoss") '
                'or dict(type="MSELoss")'
            )
        self.in_channels = check_positive_int('RelationHead', 'in_channels', in_channels)
        self.hidden_channels = check_positive_int(
            'RelationHead', 'hidden_channels', hidden_channels
        )
        if len(feature_size) != 2:
            raise ValueError(f'RelationHead feature_size must be (H, W), got {feature_size}')
        self.feature_size = (int(feature_size[0]), int(feature_size[1]))
        self.padding = 1 if max(self.feature_size) < 10 else 0
        shrunk = [self._shrink(s) for s in self.feature_size]
        if min(shrunk) < 1:
            raise ValueError(
                f'RelationHead feature_size={self.feature_size} is too small for two '
                'conv-pool blocks; use feature maps of at least 2x2 (padded) or 6x6'
            )
        self.layer1 = _relation_block(2 * in_channels, in_channels, self.padding)
        self.layer2 = _relation_block(in_channels, in_channels, self.padding)
        self.fc1 = nn.Linear(in_channels * shrunk[0] * shrunk[1], hidden_channels)
        self.fc2 = nn.Linear(hidden_channels, 1)
        self.relu = nn.ReLU(inplace=True)
        self._reset_parameters()

    def _shrink(self, size: int) -> int:
        for _ in range(2):
            size = (size + 2 * self.padding - 2) // 2
        return size

    def _reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_out))
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.ones_(m.bias)

    @property
    def use_mse(self) -> bool:
        """Whether the relation scores are regressed with MSE."""
        return isinstance(self.compute_loss, MSELoss)

    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        """Relation logits of every pair: query (M, C, H, W), prototypes (N, C, H, W) -> (M, N)."""
        if tuple(query.shape[-2:]) != self.feature_size:
            raise ValueError(
                f'RelationHead(feature_size={self.feature_size}) got feature maps of size '
                f'{tuple(query.shape[-2:])}; set feature_size to the backbone output size'
            )
        M, N = query.size(0), prototypes.size(0)
        pairs = torch.cat(
            [
                query[:, None].expand(M, N, *query.shape[1:]),
                prototypes[None].expand(M, N, *prototypes.shape[1:]),
            ],
            dim=2,
        ).reshape(M * N, 2 * query.size(1), *query.shape[2:])
        out = self.layer2(self.layer1(pairs)).flatten(1)
        out = self.fc2(self.relu(self.fc1(out)))
        return out.reshape(M, N)

    def episode_loss(self, logits: Tensor, labels: Tensor) -> dict[str, Any]:
        """Cross-entropy of the logits, or MSE of their sigmoids against one-hot targets.

        The MSE is averaged over the M*N (query, class) pairs.
        """
        if not self.use_mse:
            return self.loss(logits, labels)
        scores = torch.sigmoid(logits)
        targets = F.one_hot(labels, logits.size(1)).to(scores.dtype)
        losses: dict[str, Any] = {
            'loss': self.compute_loss(scores, targets, avg_factor=scores.numel())
        }
        if self.cal_acc:
            acc = self.compute_accuracy(scores.detach(), labels)
            losses['accuracy'] = {f'top-{k}': a for k, a in zip(self.topk, acc, strict=True)}
        return losses

    def query_scores(self, logits: Tensor) -> Tensor:
        """Scores summing to 1 per query: softmax (CE), or the sigmoids over their sum (MSE)."""
        if not self.use_mse:
            return F.softmax(logits, dim=1)
        scores = torch.sigmoid(logits)
        return scores / scores.sum(dim=1, keepdim=True)
