"""Matching Networks (Vinyals et al., NeurIPS 2016)."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_metric import BaseMetricClassifier


@MODELS.register_module()
class MatchingNet(BaseMetricClassifier):
    """Matching Networks (Vinyals et al., NeurIPS 2016).

    Scores queries by cosine attention over the support set, averaged per class.

    Args:
        head: Head config or module; default ``dict(type='MatchingHead')``.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(self, head: ConfigType | nn.Module | None = None, **kwargs: Any) -> None:
        if head is None:
            head = dict(type='MatchingHead')
        super().__init__(head=head, **kwargs)
