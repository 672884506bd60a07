"""Negative-margin softmax loss (Liu et al., ECCV 2020)."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_finetune import BaseFinetuneClassifier


@MODELS.register_module()
class NegMargin(BaseFinetuneClassifier):
    """Negative-margin softmax loss (Liu et al., ECCV 2020).

    Like :class:`Baseline`, trained with a negative margin on the target logit;
    the test head uses margin 0.

    Args:
        head: Training head; default a cosine ``NegMarginHead`` with 100 classes,
            1600 input channels, margin -0.02 and temperature 30.
        meta_test_head: Head fitted on each task's support set; default a cosine
            ``NegMarginHead`` with 5 classes, 1600 input channels, margin 0 and
            temperature 5.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(
        self,
        head: ConfigType | nn.Module | None = None,
        meta_test_head: ConfigType | nn.Module | None = None,
        **kwargs: Any,
    ) -> None:
        if head is None:
            head = dict(
                type='NegMarginHead',
                num_classes=100,
                in_channels=1600,
                metric_type='cosine',
                margin=-0.02,
                temperature=30.0,
            )
        if meta_test_head is None:
            meta_test_head = dict(
                type='NegMarginHead',
                num_classes=5,
                in_channels=1600,
                metric_type='cosine',
                margin=0.0,
                temperature=5.0,
            )
        super().__init__(head=head, meta_test_head=meta_test_head, **kwargs)
