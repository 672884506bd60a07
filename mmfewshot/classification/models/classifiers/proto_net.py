"""ProtoNet (Snell et al., NeurIPS 2017)."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_metric import BaseMetricClassifier


@MODELS.register_module()
class ProtoNet(BaseMetricClassifier):
    """ProtoNet (Snell et al., NeurIPS 2017).

    Scores queries by their negative Euclidean distance to the class means.

    Args:
        head: Head config or module; default ``dict(type='PrototypeHead')``.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(self, head: ConfigType | nn.Module | None = None, **kwargs: Any) -> None:
        if head is None:
            head = dict(type='PrototypeHead')
        super().__init__(head=head, **kwargs)
