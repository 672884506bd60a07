import pytest
import torch

from mmfewshot.registry import MODELS


def test_mse_loss_values_by_hand() -> None:
    loss = MODELS.build(dict(type='MSELoss'))
    pred = torch.tensor([1.0, 2.0, 4.0])
    target = torch.tensor([0.0, 2.0, 1.0])
    # squared errors: 1, 0, 9
    assert loss(pred, target).item() == pytest.approx(10 / 3)
    assert loss(pred, target, reduction_override='sum').item() == pytest.approx(10.0)
    assert loss(pred, target, reduction_override='none').tolist() == [1.0, 0.0, 9.0]
    weight = torch.tensor([2.0, 1.0, 0.5])
    assert loss(pred, target, weight=weight).item() == pytest.approx((2 + 4.5) / 3)
    assert loss(pred, target, avg_factor=2).item() == pytest.approx(5.0)


def test_mse_loss_weight_and_reduction() -> None:
    loss = MODELS.build(dict(type='MSELoss', reduction='sum', loss_weight=0.5))
    assert loss(torch.tensor([3.0]), torch.tensor([1.0])).item() == pytest.approx(2.0)
    with pytest.raises(ValueError, match="MSELoss got reduction='avg'"):
        MODELS.build(dict(type='MSELoss', reduction='avg'))
