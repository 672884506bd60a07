import math

import numpy as np
import pytest
import torch

from mmfewshot.registry import MODELS


def _head():
    head = MODELS.build(dict(type='LinearHead', num_classes=2, in_channels=3))
    with torch.no_grad():
        head.fc.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]]))
        head.fc.bias.copy_(torch.tensor([0.5, 0.0]))
    return head


def test_linear_head_logits_loss_and_scores_by_hand() -> None:
    head = _head()
    x = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])
    # logits: [1.5, 2.0] and [0.5, -2.0]
    torch.testing.assert_close(head(x), torch.tensor([[1.5, 2.0], [0.5, -2.0]]))
    labels = torch.tensor([1, 1])
    expected = (math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(2.5))) / 2
    assert head.forward_train(x, labels)['loss'].item() == pytest.approx(expected, rel=1e-6)
    assert head.forward_support(x, labels)['loss'].item() == pytest.approx(expected, rel=1e-6)
    scores = head.forward_query(x)
    assert len(scores) == 2
    assert isinstance(scores[0], np.ndarray)
    assert scores[0] == pytest.approx([1 / (1 + math.exp(0.5)), 1 / (1 + math.exp(-0.5))])


def test_linear_head_reinitialises_for_each_support_set() -> None:
    head = _head()
    torch.manual_seed(0)
    head.before_forward_support()
    assert not torch.equal(head.fc.weight, torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]]))
    assert torch.equal(head.fc.bias, torch.zeros(2))
    assert head.fc.weight.std().item() < 0.05


def test_linear_head_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match='LinearHead num_classes=0 must be a positive integer'):
        MODELS.build(dict(type='LinearHead', num_classes=0, in_channels=3))
