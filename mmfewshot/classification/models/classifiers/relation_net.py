"""RelationNet (Sung et al., CVPR 2018)."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_metric import BaseMetricClassifier


@MODELS.register_module()
class RelationNet(BaseMetricClassifier):
    """RelationNet (Sung et al., CVPR 2018).

    A learned relation module scores (query, class prototype) feature-map pairs.

    Args:
        head: Head config or module; default
            ``dict(type='RelationHead', in_channels=64, feature_size=(19, 19))``.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(self, head: ConfigType | nn.Module | None = None, **kwargs: Any) -> None:
        if head is None:
            head = dict(type='RelationHead', in_channels=64, feature_size=(19, 19))
        super().__init__(head=head, **kwargs)
