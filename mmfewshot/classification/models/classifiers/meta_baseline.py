"""Meta-Baseline (Chen et al., ICCV 2021)."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_metric import BaseMetricClassifier


@MODELS.register_module()
class MetaBaseline(BaseMetricClassifier):
    """Meta-Baseline (Chen et al., ICCV 2021).

    Scaled cosine similarity to the class means; usually fine-tuned from a Baseline checkpoint.

    Args:
        head: Head config or module; default ``dict(type='MetaBaselineHead')``.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(self, head: ConfigType | nn.Module | None = None, **kwargs: Any) -> None:
        if head is None:
            head = dict(type='MetaBaselineHead')
        super().__init__(head=head, **kwargs)
