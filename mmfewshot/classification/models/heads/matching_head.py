"""Attention head of Matching Networks (Vinyals et al., NeurIPS 2016)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from mmfewshot.classification.models.utils import episode_class_ids, map_labels
from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import OptConfigType

from .base_head import BaseFewShotHead, scores_to_list


@MODELS.register_module()
class MatchingHead(BaseFewShotHead):
    """Attention over the support set, averaged per class.

    ``a[m, s] = softmax_s(T * cos(query_m, support_s))`` over all support
    samples, then ``p[m, n] = mean of a[m, s] over the support samples of
    class n``. Training minimises ``NLL(log p)``. Query scores are ``p``
    normalised to sum to 1 over the classes (with K shots per class this is
    the attention mass of each class); the original MMFewShot applied a
    second softmax here instead.

    Args:
        temperature: Scale T of the cosine similarities.
        loss: Loss on the log-probabilities (default ``dict(type='NLLLoss', loss_weight=1.0)``).
        **kwargs: ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self, temperature: float = 100.0, loss: OptConfigType = None, **kwargs: Any
    ) -> None:
        if loss is None:
            loss = dict(type='NLLLoss', loss_weight=1.0)
        super().__init__(loss=loss, **kwargs)
        if temperature <= 0:
            raise ValueError(f'MatchingHead temperature must be positive, got {temperature}')
        self.temperature = float(temperature)
        self.register_buffer('class_ids', None, persistent=False)
        self.class_ids: Tensor | None

    def log_scores(self, support: Tensor, support_labels: Tensor, query: Tensor) -> Tensor:
        """Returns ``log p`` (M, N), computed in log space for stability.

        Args:
            support: Support features, shape (N*K, D).
            support_labels: Support labels, shape (N*K,).
            query: Query features, shape (M, D).

        Returns:
            Log of the per-class mean attention, shape (M, N), sorted class-id order.
        """
        support_labels = support_labels.to(support.device)
        class_ids = episode_class_ids(support_labels)
        cosine = F.normalize(query, dim=-1) @ F.normalize(support, dim=-1).t()  # (M, S)
        log_attention = F.log_softmax(self.temperature * cosine, dim=1)
        members = support_labels.reshape(1, -1).to(class_ids.device) == class_ids.reshape(-1, 1)
        counts = members.sum(dim=1).to(log_attention.dtype)  # (N,)
        log_members = torch.zeros_like(members, dtype=log_attention.dtype)
        log_members = log_members.masked_fill(~members, -math.inf)  # (N, S)
        log_sums = torch.logsumexp(log_attention[:, None, :] + log_members[None], dim=2)
        return log_sums - counts.log()[None, :]

    def forward(self, support: Tensor, support_labels: Tensor, query: Tensor) -> Tensor:
        """Returns the per-class mean attention ``p`` (M, N); see :meth:`log_scores`."""
        return self.log_scores(support, support_labels, query).exp()

    def forward_train(
        self,
        support_feats: Tensor,
        support_labels: Tensor,
        query_feats: Tensor,
        query_labels: Tensor,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Returns ``NLL(log p)`` of one episode.

        Arguments as :meth:`PrototypeScoringHead.forward_train`.
        """
        support_labels = support_labels.to(support_feats.device)
        query_labels = query_labels.to(query_feats.device)
        class_ids = episode_class_ids(support_labels)
        log_p = self.log_scores(support_feats, support_labels, query_feats)
        return self.loss(log_p, map_labels(query_labels, class_ids))

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs: Any) -> None:
        """Stores a support batch, features (B, D) and labels (B,)."""
        self._append_support(x, gt_label)

    def forward_query(self, x: Tensor, **kwargs: Any) -> list[np.ndarray]:
        """Returns the normalised per-class attention (N,) of each query in ``x`` (B, D)."""
        if self.class_ids is None:
            raise RuntimeError('MatchingHead: call before_forward_query() before forward_query()')
        feats, labels = self._stored_support()
        log_p = self.log_scores(feats, labels, x)
        return scores_to_list(F.softmax(log_p, dim=1))

    def before_forward_support(self) -> None:
        """Forgets the previous task."""
        self._reset_support()
        self.class_ids = None

    def before_forward_query(self) -> None:
        """Fixes the class order of the stored support set."""
        _, labels = self._stored_support()
        self.class_ids = episode_class_ids(labels)
