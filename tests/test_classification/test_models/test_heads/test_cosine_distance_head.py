import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrizations

from mmfewshot.registry import MODELS


def test_cosine_distance_head_default_temperature() -> None:
    assert (
        MODELS.build(dict(type='CosineDistanceHead', num_classes=200, in_channels=4)).temperature
        == 2
    )
    assert (
        MODELS.build(dict(type='CosineDistanceHead', num_classes=201, in_channels=4)).temperature
        == 10
    )
    custom = MODELS.build(
        dict(type='CosineDistanceHead', num_classes=5, in_channels=4, temperature=5)
    )
    assert custom.temperature == 5


def test_cosine_distance_head_logits_by_hand() -> None:
    head = MODELS.build(dict(type='CosineDistanceHead', num_classes=2, in_channels=2, eps=0.0))
    with torch.no_grad():
        head.fc.weight_v.copy_(torch.tensor([[3.0, 4.0], [0.0, 2.0]]))
        head.fc.weight_g.copy_(torch.tensor([[2.0], [1.0]]))
    # effective weight rows: 2 * (0.6, 0.8) and 1 * (0, 1)
    x = torch.tensor([[0.0, 5.0], [3.0, 0.0]])
    # normalised features (0, 1) and (1, 0), temperature 2
    torch.testing.assert_close(head(x), torch.tensor([[3.2, 2.0], [2.4, 0.0]]))
    scores = head.forward_query(x)
    assert scores[0] == pytest.approx(F.softmax(torch.tensor([3.2, 2.0]), dim=0).tolist())
    loss = head.forward_train(x, torch.tensor([1, 0]))['loss']
    expected = F.cross_entropy(torch.tensor([[3.2, 2.0], [2.4, 0.0]]), torch.tensor([1, 0]))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)


def test_cosine_distance_head_state_dict_uses_original_weight_norm_names() -> None:
    head = MODELS.build(dict(type='CosineDistanceHead', num_classes=100, in_channels=1600))
    shapes = {k: tuple(v.shape) for k, v in head.state_dict().items()}
    assert shapes == {'fc.weight_g': (100, 1), 'fc.weight_v': (100, 1600)}
    original = {'fc.weight_g': torch.rand(100, 1), 'fc.weight_v': torch.randn(100, 1600)}
    head.load_state_dict(original, strict=True)
    assert torch.equal(head.fc.weight_g, original['fc.weight_g'])


def test_cosine_distance_head_loads_torch_parametrization_layout() -> None:
    torch.manual_seed(0)
    reference = parametrizations.weight_norm(nn.Linear(4, 3, bias=False), dim=0)
    with torch.no_grad():
        reference.parametrizations.weight.original0.mul_(1.5)
    state = {f'fc.{k}': v for k, v in reference.state_dict().items()}
    assert set(state) == {
        'fc.parametrizations.weight.original0',
        'fc.parametrizations.weight.original1',
    }
    head = MODELS.build(dict(type='CosineDistanceHead', num_classes=3, in_channels=4, eps=0.0))
    head.load_state_dict(state, strict=True)
    x = torch.randn(5, 4)
    expected = 2.0 * reference(F.normalize(x, dim=1))
    assert torch.allclose(head(x), expected, atol=1e-6)


def test_cosine_distance_head_reinitialises_and_deep_copies() -> None:
    head = MODELS.build(dict(type='CosineDistanceHead', num_classes=3, in_channels=4))
    before = head.fc.weight_v.detach().clone()
    head.before_forward_support()
    assert not torch.equal(before, head.fc.weight_v)
    assert torch.allclose(head.fc.weight_g.squeeze(1), head.fc.weight_v.norm(dim=1))
    clone = copy.deepcopy(head)
    x = torch.randn(2, 4)
    assert torch.equal(clone(x), head(x))
