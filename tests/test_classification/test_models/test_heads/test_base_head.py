import math

import pytest
import torch

from mmfewshot.classification.models import BaseFewShotHead, CrossEntropyLoss
from mmfewshot.registry import MODELS


def test_base_head_is_abstract() -> None:
    with pytest.raises(TypeError, match='abstract'):
        BaseFewShotHead()


def test_loss_uses_default_cross_entropy_and_reports_accuracy() -> None:
    head = MODELS.build(
        dict(type='LinearHead', num_classes=2, in_channels=2, cal_acc=True, topk=(1, 2))
    )
    assert isinstance(head.compute_loss, CrossEntropyLoss)
    scores = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    labels = torch.tensor([0, 1, 1])
    losses = head.loss(scores, labels)
    expected = (
        math.log(1 + math.exp(-2.0)) + math.log(1 + math.exp(-1.0)) + math.log(1 + math.exp(3.0))
    ) / 3
    assert losses['loss'].item() == pytest.approx(expected, rel=1e-6)
    assert losses['accuracy']['top-1'].item() == pytest.approx(200 / 3)
    assert losses['accuracy']['top-2'].item() == pytest.approx(100.0)


def test_head_rejects_bad_topk() -> None:
    with pytest.raises(ValueError, match='topk must be positive integers'):
        MODELS.build(dict(type='PrototypeHead', topk=(0,)))
