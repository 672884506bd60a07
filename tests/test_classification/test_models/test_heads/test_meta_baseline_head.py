import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmfewshot.registry import MODELS

SUPPORT = torch.tensor([[2.0, 0.0], [0.0, 0.0], [0.0, 4.0], [0.0, 2.0]])
SUPPORT_LABELS = torch.tensor([0, 0, 1, 1])  # prototypes (1, 0) and (0, 3)
QUERY = torch.tensor([[1.0, 1.0], [3.0, -4.0]])
# cosines: [0.7071, 0.7071] and [0.6, -0.8]
COSINE = torch.tensor([[2**-0.5, 2**-0.5], [0.6, -0.8]])


def test_meta_baseline_head_scaled_cosine_by_hand() -> None:
    head = MODELS.build(dict(type='MetaBaselineHead'))
    torch.testing.assert_close(head(SUPPORT, SUPPORT_LABELS, QUERY), 10 * COSINE)
    losses = head.forward_train(SUPPORT, SUPPORT_LABELS, QUERY, torch.tensor([1, 0]))
    expected = F.cross_entropy(10 * COSINE, torch.tensor([1, 0]))
    assert losses['loss'].item() == pytest.approx(expected.item(), rel=1e-5)


def test_meta_baseline_head_temperature_is_learnable() -> None:
    head = MODELS.build(dict(type='MetaBaselineHead', temperature=5.0))
    assert isinstance(head.temperature, torch.nn.Parameter)
    assert {k: tuple(v.shape) for k, v in head.state_dict().items()} == {'temperature': ()}
    loss = head.forward_train(SUPPORT, SUPPORT_LABELS, QUERY, torch.tensor([1, 0]))['loss']
    loss.backward()
    assert head.temperature.grad is not None
    assert head.temperature.grad.item() != 0.0
    fixed = MODELS.build(dict(type='MetaBaselineHead', learnable_temperature=False))
    assert fixed.temperature == 10.0
    assert fixed.state_dict() == {}


def test_meta_baseline_head_meta_test_flow() -> None:
    head = MODELS.build(dict(type='MetaBaselineHead'))
    head.before_forward_support()
    head.forward_support(SUPPORT, SUPPORT_LABELS)
    head.before_forward_query()
    scores = np.stack(head.forward_query(QUERY))
    np.testing.assert_allclose(scores, F.softmax(10 * COSINE, dim=1).numpy(), rtol=1e-5)
