import pytest
import torch
import torch.nn.functional as F

from mmfewshot.registry import MODELS


def _head(metric_type: str):
    head = MODELS.build(
        dict(
            type='NegMarginHead',
            num_classes=2,
            in_channels=2,
            temperature=2.0,
            margin=-0.5,
            metric_type=metric_type,
        )
    )
    with torch.no_grad():
        head.weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 1.0]]))
    return head


def test_neg_margin_cosine_subtracts_margin_from_target_only() -> None:
    head = _head('cosine')
    x = torch.tensor([[3.0, 4.0]])
    # cosine [0.6, 0.8]; label 1 with margin -0.5 -> [0.6, 1.3]; times T=2
    torch.testing.assert_close(head(x, torch.tensor([1])), torch.tensor([[1.2, 2.6]]))
    torch.testing.assert_close(head(x, torch.tensor([0])), torch.tensor([[2.2, 1.6]]))
    torch.testing.assert_close(head(x), torch.tensor([[1.2, 1.6]]))
    loss = head.forward_train(x, torch.tensor([1]))['loss']
    expected = F.cross_entropy(torch.tensor([[1.2, 2.6]]), torch.tensor([1]))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    # Query scores carry no margin.
    assert head.forward_query(x)[0] == pytest.approx(
        F.softmax(torch.tensor([1.2, 1.6]), 0).tolist()
    )


def test_neg_margin_softmax_metric_uses_dot_product() -> None:
    head = _head('softmax')
    x = torch.tensor([[3.0, 4.0]])
    # dot products [6, 4]; label 0 with margin -0.5 -> [6.5, 4]; times 2
    torch.testing.assert_close(head(x, torch.tensor([0])), torch.tensor([[13.0, 8.0]]))


def test_neg_margin_head_state_dict_and_reinit() -> None:
    head = MODELS.build(dict(type='NegMarginHead', num_classes=100, in_channels=1600))
    assert {k: tuple(v.shape) for k, v in head.state_dict().items()} == {'weight': (100, 1600)}
    before = head.weight.detach().clone()
    head.before_forward_support()
    assert not torch.equal(before, head.weight)


def test_neg_margin_head_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match='margin must be <= 0'):
        MODELS.build(dict(type='NegMarginHead', num_classes=2, in_channels=2, margin=0.1))
    with pytest.raises(ValueError, match="metric_type='l2' is unknown"):
        MODELS.build(dict(type='NegMarginHead', num_classes=2, in_channels=2, metric_type='l2'))
