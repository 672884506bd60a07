import pytest
import torch
from torch import Tensor

from mmfewshot.classification.models.losses import WeightedLoss


class AbsLoss(WeightedLoss):
    """A user's loss: only the per-element term is new."""

    def elementwise(self, pred: Tensor, target: Tensor) -> Tensor:
        return (pred - target).abs()


PRED = torch.tensor([1.0, -2.0, 4.0])
TARGET = torch.tensor([0.0, 0.0, 1.0])  # |diff| = 1, 2, 3


def test_a_subclass_gets_weighting_reduction_and_scaling() -> None:
    loss = AbsLoss(loss_weight=2.0)
    assert loss(PRED, TARGET).item() == pytest.approx(2.0 * 6 / 3)
    weight = torch.tensor([1.0, 0.0, 2.0])  # 1 + 0 + 6 = 7
    assert loss(PRED, TARGET, weight).item() == pytest.approx(2.0 * 7 / 3)
    assert loss(PRED, TARGET, weight, avg_factor=7.0).item() == pytest.approx(2.0)
    assert loss(PRED, TARGET, reduction_override='sum').item() == pytest.approx(12.0)
    assert loss(PRED, TARGET, reduction_override='none').tolist() == [2.0, 4.0, 6.0]


def test_a_bad_reduction_names_the_subclass() -> None:
    with pytest.raises(ValueError, match=r"AbsLoss got reduction='avg'; use one of none, mean"):
        AbsLoss(reduction='avg')
    with pytest.raises(ValueError, match=r"AbsLoss got reduction='max'"):
        AbsLoss()(PRED, TARGET, reduction_override='max')
