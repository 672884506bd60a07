"""Base of the heads that score queries against class-mean prototypes."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np
import torch.nn.functional as F
from torch import Tensor

from mmfewshot.classification.models.utils import (
    compute_prototypes,
    episode_class_ids,
    map_labels,
)

from .base_head import BaseFewShotHead, scores_to_list


class PrototypeScoringHead(BaseFewShotHead):
    """Scores queries against class-mean prototypes; subclasses define :meth:`logits`.

    Training scores an episode's queries against the prototypes of its
    support features. Meta-testing stores the support set, computes the
    prototypes (N, D) in :meth:`before_forward_query` and returns
    :meth:`query_scores` (a softmax) per query. Columns follow the sorted
    support class ids. The features may be vectors (D) or maps (C, H, W).

    Args:
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_buffer('prototypes', None, persistent=False)
        self.register_buffer('class_ids', None, persistent=False)
        self.prototypes: Tensor | None
        self.class_ids: Tensor | None

    @abstractmethod
    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        """Scores queries (M, D) against prototypes (N, D): logits (M, N)."""

    def episode_loss(self, logits: Tensor, labels: Tensor) -> dict[str, Any]:
        """The loss dict of an episode's logits (M, N) and labels in [0, N) (M,).

        :meth:`BaseFewShotHead.loss` here; override for another objective.
        """
        return self.loss(logits, labels)

    def query_scores(self, logits: Tensor) -> Tensor:
        """Class scores (M, N) of the meta-test queries: the softmax of the logits here."""
        return F.softmax(logits, dim=1)

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
        """Returns the loss of the query predictions of one episode.

        Args:
            support_feats: Shape (N*K, D).
            support_labels: Class ids, shape (N*K,).
            query_feats: Shape (M, D).
            query_labels: Class ids (a subset of the support's), shape (M,).
            **kwargs: Ignored.

        Returns:
            The loss dict of :meth:`episode_loss`.
        """
        support_labels = support_labels.to(support_feats.device)
        query_labels = query_labels.to(query_feats.device)
        class_ids = episode_class_ids(support_labels)
        logits = self(support_feats, support_labels, query_feats)
        return self.episode_loss(logits, map_labels(query_labels, class_ids))

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> None:
        """Stores a support batch, features (B, D) and labels (B,)."""
        self._append_support(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the :meth:`query_scores` (N,) of each query feature in ``x`` (B, D)."""
        if self.prototypes is None:
            raise RuntimeError(
                f'{type(self).__name__}: call before_forward_query() before forward_query()'
            )
        return scores_to_list(self.query_scores(self.logits(self.prototypes, x)))

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
