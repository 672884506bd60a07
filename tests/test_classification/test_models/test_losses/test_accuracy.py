import pytest
import torch

from mmfewshot.classification.models.losses import Accuracy, accuracy


def test_accuracy_top1_and_top2_by_hand() -> None:
    pred = torch.tensor(
        [
            [0.1, 0.7, 0.2],  # label 1: top-1 hit
            [0.5, 0.3, 0.2],  # label 1: top-2 hit only
            [0.2, 0.3, 0.5],  # label 0: miss
            [0.6, 0.3, 0.1],  # label 0: top-1 hit
        ]
    )
    target = torch.tensor([1, 1, 0, 0])
    top1, top2 = accuracy(pred, target, topk=(1, 2))
    assert top1.item() == pytest.approx(50.0)
    assert top2.item() == pytest.approx(75.0)
    assert [a.item() for a in Accuracy(topk=(1,))(pred, target)] == pytest.approx([50.0])


def test_accuracy_k_larger_than_classes_counts_all() -> None:
    pred = torch.randn(3, 2)
    (top5,) = accuracy(pred, torch.tensor([0, 1, 1]), topk=(5,))
    assert top5.item() == pytest.approx(100.0)
