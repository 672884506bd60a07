import math

import pytest
import torch

from mmfewshot.registry import MODELS


def _log_softmax(row: list[float]) -> list[float]:
    norm = math.log(sum(math.exp(v) for v in row))
    return [v - norm for v in row]


def test_softmax_cross_entropy_by_hand() -> None:
    loss = MODELS.build(dict(type='CrossEntropyLoss', loss_weight=1.0))
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    labels = torch.tensor([0, 1])
    per = [-_log_softmax([2.0, 0.0, -1.0])[0], -_log_softmax([0.5, 0.5, 3.0])[1]]
    assert loss(logits, labels).item() == pytest.approx(sum(per) / 2, rel=1e-6)
    assert loss(logits, labels, avg_factor=4).item() == pytest.approx(sum(per) / 4, rel=1e-6)
    weight = torch.tensor([0.0, 2.0])
    assert loss(logits, labels, weight=weight).item() == pytest.approx(per[1], rel=1e-6)
    assert loss(logits, labels, reduction_override='none').tolist() == pytest.approx(per)


def test_softmax_cross_entropy_class_weight_ignore_index_and_avg_non_ignore() -> None:
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    labels = torch.tensor([0, 1, -100])
    per = [-_log_softmax([2.0, 0.0])[0], -_log_softmax([0.0, 1.0])[1]]
    plain = MODELS.build(dict(type='CrossEntropyLoss'))
    # ignored samples count in the mean unless avg_non_ignore
    assert plain(logits, labels).item() == pytest.approx(sum(per) / 3, rel=1e-6)
    non_ignore = MODELS.build(dict(type='CrossEntropyLoss', avg_non_ignore=True))
    assert non_ignore(logits, labels).item() == pytest.approx(sum(per) / 2, rel=1e-6)
    custom = MODELS.build(dict(type='CrossEntropyLoss', ignore_index=1))
    assert custom(logits[:2], labels[:2]).item() == pytest.approx(per[0] / 2, rel=1e-6)
    weighted = MODELS.build(dict(type='CrossEntropyLoss', class_weight=[1.0, 3.0]))
    expected = (per[0] + 3 * per[1]) / 2
    assert weighted(logits[:2], labels[:2]).item() == pytest.approx(expected, rel=1e-6)


def test_sigmoid_cross_entropy_expands_labels() -> None:
    loss = MODELS.build(dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=2.0))
    logits = torch.tensor([[1.0, -1.0], [0.0, 2.0]])
    labels = torch.tensor([0, 2])  # label 2 == num_classes: background, all targets 0

    def bce(x: float, t: float) -> float:
        p = 1 / (1 + math.exp(-x))
        return -(t * math.log(p) + (1 - t) * math.log(1 - p))

    elements = [bce(1.0, 1), bce(-1.0, 0), bce(0.0, 0), bce(2.0, 0)]
    assert loss(logits, labels).item() == pytest.approx(2 * sum(elements) / 4, rel=1e-6)
    # Binary targets shaped like the logits are used as they are.
    targets = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    assert loss(logits, targets).item() == pytest.approx(2 * sum(elements) / 4, rel=1e-6)


def test_mask_cross_entropy_selects_the_roi_class() -> None:
    loss = MODELS.build(dict(type='CrossEntropyLoss', use_mask=True))
    pred = torch.zeros(2, 3, 2, 2)
    pred[0, 1] = 2.0  # RoI 0 is class 1
    pred[1, 2] = -2.0  # RoI 1 is class 2
    target = torch.ones(2, 2, 2)
    labels = torch.tensor([1, 2])
    expected = (4 * math.log(1 + math.exp(-2.0)) + 4 * math.log(1 + math.exp(2.0))) / 8
    assert loss(pred, target, labels).item() == pytest.approx(expected, rel=1e-6)


def test_cross_entropy_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match='use_sigmoid=True and use_mask=True'):
        MODELS.build(dict(type='CrossEntropyLoss', use_sigmoid=True, use_mask=True))
    with pytest.raises(ValueError, match="reduction='avg'"):
        MODELS.build(dict(type='CrossEntropyLoss', reduction='avg'))
