import math

import pytest
import torch

from mmfewshot.registry import MODELS


def test_nll_loss_values_by_hand() -> None:
    loss = MODELS.build(dict(type='NLLLoss'))
    probs = torch.tensor([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    target = torch.tensor([0, 2])
    expected = [-math.log(0.5), -math.log(0.1)]
    log_probs = probs.log()
    assert loss(log_probs, target).item() == pytest.approx(sum(expected) / 2)
    assert loss(log_probs, target, reduction_override='none').tolist() == pytest.approx(expected)
    assert loss(log_probs, target, reduction_override='sum').item() == pytest.approx(sum(expected))
    weight = torch.tensor([1.0, 3.0])
    weighted = (expected[0] + 3 * expected[1]) / 2
    assert loss(log_probs, target, weight=weight).item() == pytest.approx(weighted)
    assert loss(log_probs, target, avg_factor=4).item() == pytest.approx(sum(expected) / 4)


def test_nll_loss_weight() -> None:
    loss = MODELS.build(dict(type='NLLLoss', loss_weight=2.0, reduction='sum'))
    log_probs = torch.tensor([[math.log(0.5), math.log(0.5)]])
    assert loss(log_probs, torch.tensor([1])).item() == pytest.approx(2 * math.log(2))
    with pytest.raises(ValueError, match="NLLLoss got reduction='avg'"):
        MODELS.build(dict(type='NLLLoss', reduction='avg'))
