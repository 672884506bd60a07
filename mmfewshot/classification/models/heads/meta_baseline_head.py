"""Cosine prototype head of Meta-Baseline (Chen et al., ICCV 2021)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.classification.models.utils import (
    compute_prototypes,
    episode_class_ids,
    map_labels,
)
from mmfewshot.registry import MODELS

from .base_head import BaseFewShotHead, scores_to_list


@MODELS.register_module()
class MetaBaselineHead(BaseFewShotHead):
    """``logits[m, n] = T * cos(query_m, prototype_n)`` with class-mean prototypes.

    Args:
        temperature: Initial scale T.
        learnable_temperature: Make T a parameter (``head.temperature`` in
            checkpoints) instead of a constant.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self, temperature: float = 10.0, learnable_temperature: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if temperature <= 0:
            raise ValueError(f'MetaBaselineHead temperature must be positive, got {temperature}')
        self.temperature: Tensor | float
        if learnable_temperature:
            self.temperature = nn.Parameter(torch.tensor(float(temperature)))
        else:
            self.temperature = float(temperature)
        self.register_buffer('prototypes', None, persistent=False)
        self.register_buffer('class_ids', None, persistent=False)
        self.prototypes: Tensor | None
        self.class_ids: Tensor | None

    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        """Returns ``T * cos``: query (M, D), prototypes (N, D) -> (M, N)."""
        cosine = F.normalize(query, dim=-1) @ F.normalize(prototypes, dim=-1).t()
        return self.temperature * cosine

    def forward(self, support: Tensor, support_labels: Tensor, query: Tensor) -> Tensor:
        """Scores each query against each class.

        Args:
            support: Support features, shape (N*K, D).
            support_labels: Support labels, shape (N*K,).
            query: Query features, shape (M, D).

        Returns:
            Logits, shape (M, N), columns in sorted class-id order.
        """
        return self.logits(compute_prototypes(support, support_labels), query)

    def forward_train(
        self,
        support_feats: Tensor,
        support_labels: Tensor,
        query_feats: Tensor,
        query_labels: Tensor,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Returns the loss of one episode; arguments as :meth:`PrototypeHead.forward_train`."""
        support_labels = support_labels.to(support_feats.device)
        query_labels = query_labels.to(query_feats.device)
        class_ids = episode_class_ids(support_labels)
        logits = self(support_feats, support_labels, query_feats)
        return self.loss(logits, map_labels(query_labels, class_ids))

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> None:
        """Stores a support batch, features (B, D) and labels (B,)."""
        self._append_support(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the softmax scores (N,) of each query feature in ``x`` (B, D)."""
        if self.prototypes is None:
            raise RuntimeError(
                'MetaBaselineHead: call before_forward_query() before forward_query()'
            )
        return scores_to_list(F.softmax(self.logits(self.prototypes, x), dim=1))

    def before_forward_support(self) -> None:
        """Forgets the previous task."""
        self._reset_support()
        self.prototypes = None
        self.class_ids = None

    def before_forward_query(self) -> None:
        """Computes the prototypes (N, D) of the stored support set."""
        feats, labels = self._stored_support()
        self.class_ids = episode_class_ids(labels)
        self.prototypes = compute_prototypes(feats, labels, self.class_ids)
