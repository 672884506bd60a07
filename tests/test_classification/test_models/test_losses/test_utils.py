import pytest
import torch

from mmfewshot.classification.models.losses import weight_reduce_loss


def test_weight_reduce_loss_reductions() -> None:
    loss = torch.tensor([1.0, 2.0, 3.0, 6.0])
    weight = torch.tensor([1.0, 0.0, 2.0, 0.5])
    # weighted elements: 1, 0, 6, 3
    assert weight_reduce_loss(loss, weight, 'sum').item() == pytest.approx(10.0)
    assert weight_reduce_loss(loss, weight, 'mean').item() == pytest.approx(2.5)
    assert weight_reduce_loss(loss, weight, 'none').tolist() == [1.0, 0.0, 6.0, 3.0]
    assert weight_reduce_loss(loss, None, 'mean').item() == pytest.approx(3.0)


def test_weight_reduce_loss_avg_factor() -> None:
    loss = torch.tensor([1.0, 2.0, 3.0, 6.0])
    assert weight_reduce_loss(loss, None, 'mean', avg_factor=5).item() == pytest.approx(12 / 5)
    assert weight_reduce_loss(loss, None, 'none', avg_factor=5).tolist() == loss.tolist()
    with pytest.raises(ValueError, match='avg_factor can not be used with reduction="sum"'):
        weight_reduce_loss(loss, None, 'sum', avg_factor=5)


def test_weight_reduce_loss_rejects_unknown_reduction() -> None:
    with pytest.raises(ValueError, match="reduction='max'"):
        weight_reduce_loss(torch.ones(2), None, 'max')
