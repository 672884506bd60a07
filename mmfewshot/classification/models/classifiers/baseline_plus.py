"""Baseline++ (Chen et al., ICLR 2019): Baseline with a cosine-distance classifier."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import ConfigType

from .base_finetune import BaseFinetuneClassifier


@MODELS.register_module()
class BaselinePlus(BaseFinetuneClassifier):
    """Baseline++ (Chen et al., ICLR 2019): Baseline with a cosine-distance classifier.

    Like :class:`Baseline`, with :class:`CosineDistanceHead` for training and testing.

    Args:
        head: Training head; default
            ``dict(type='CosineDistanceHead', num_classes=100, in_channels=1600)``.
        meta_test_head: Head fitted on each task's support set; default
            ``dict(type='CosineDistanceHead', num_classes=5, in_channels=1600)``.
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
            head = dict(type='CosineDistanceHead', num_classes=100, in_channels=1600)
        if meta_test_head is None:
            meta_test_head = dict(type='CosineDistanceHead', num_classes=5, in_channels=1600)
        super().__init__(head=head, meta_test_head=meta_test_head, **kwargs)
