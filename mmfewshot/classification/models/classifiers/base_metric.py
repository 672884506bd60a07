"""Metric based classifiers: episodic training, a head that compares query to support."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base import BaseFewShotClassifier


@MODELS.register_module()
class BaseMetricClassifier(BaseFewShotClassifier):
    """Trains on episodes; the head scores query features against support features.

    ``forward(mode='train')`` takes ``support_data`` and ``query_data``
    (dicts with ``img`` or ``feats``, and ``gt_label`` holding class ids) and
    extracts the two sets' features separately. During meta-testing the
    head stores the support features (``forward(mode='support')``),
    summarises them in :meth:`before_forward_query` (e.g. prototypes, kept in
    non-persistent buffers) and scores the queries; no parameter changes.

    Args:
        head: Head config or module.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(self, head: ConfigType | nn.Module, **kwargs: Any) -> None:
        super().__init__(head=head, **kwargs)

    def _features(self, img: Tensor | None, feats: Tensor | None) -> Tensor:
        if feats is not None:
            return feats
        assert img is not None
        return self.extract_feat(img)

    def _episode_part(self, data: dict[str, Any] | None, name: str) -> tuple[Tensor, Tensor]:
        if data is None or data.get('gt_label') is None:
            raise ValueError(
                f"{type(self).__name__}.forward(mode='train') needs {name} with 'img' (or "
                "'feats') and 'gt_label'; train metric methods on episodes (EpisodicDataset)"
            )
        feats = data.get('feats')
        if feats is None:
            if data.get('img') is None:
                raise ValueError(f"{name} has neither 'img' nor 'feats'")
            feats = self.extract_feat(data['img'])
        return feats, data['gt_label']

    def forward_train(
        self,
        support_data: dict[str, Any] | None = None,
        query_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Returns the head's losses on one episode.

        Args:
            support_data: ``img`` (N*K, C, H, W) or ``feats``, ``gt_label`` (N*K,).
            query_data: ``img`` (M, C, H, W) or ``feats``, ``gt_label`` (M,).
            **kwargs: Ignored (plain-batch keys).

        Returns:
            The head's loss dict.
        """
        support_feats, support_labels = self._episode_part(support_data, 'support_data')
        query_feats, query_labels = self._episode_part(query_data, 'query_data')
        assert self.head is not None
        return self.head.forward_train(support_feats, support_labels, query_feats, query_labels)

    def forward_support(
        self,
        gt_label: Tensor,
        img: Tensor | None = None,
        feats: Tensor | None = None,
        **kwargs: Any,
    ) -> None:
        """Passes the features of a support batch and its labels (B,) to the head."""
        assert self.head is not None
        with torch.no_grad():
            self.head.forward_support(self._features(img, feats), gt_label)

    def forward_query(
        self, img: Tensor | None = None, feats: Tensor | None = None, **kwargs: Any
    ) -> list[np.ndarray]:
        """Returns the head's scores (N,) for each query sample."""
        assert self.head is not None
        with torch.no_grad():
            return self.head.forward_query(self._features(img, feats))

    def before_meta_test(self, meta_test_cfg: ConfigType, **kwargs: Any) -> None:
        """Stores ``meta_test_cfg`` and puts the model in eval mode."""
        self.meta_test_cfg = copy.deepcopy(dict(meta_test_cfg))
        self.eval()

    def before_forward_support(self, **kwargs: Any) -> None:
        """Makes the head forget the previous task."""
        assert self.head is not None
        self.head.before_forward_support()

    def before_forward_query(self, **kwargs: Any) -> None:
        """Lets the head summarise the support set."""
        assert self.head is not None
        self.head.before_forward_query()
