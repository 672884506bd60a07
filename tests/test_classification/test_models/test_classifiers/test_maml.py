import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from mmfewshot.classification.models.utils import LinearWithFastWeight
from mmfewshot.registry import MODELS

INNER_LR = 0.5


def _backbone() -> nn.Module:
    return nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(12, 4), nn.Tanh())


def _model(first_order: bool = False, steps: int = 1) -> nn.Module:
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='MAML',
            backbone=_backbone(),
            head=dict(type='LinearHead', num_classes=2, in_channels=4),
            num_inner_steps=steps,
            inner_lr=INNER_LR,
            first_order=first_order,
        )
    )


def _episode():
    g = torch.Generator().manual_seed(3)
    support = dict(img=torch.randn(4, 3, 4, 4, generator=g), gt_label=torch.tensor([9, 4, 9, 4]))
    query = dict(img=torch.randn(2, 3, 4, 4, generator=g), gt_label=torch.tensor([4, 9]))
    return support, query


def _manual(model: nn.Module, support, query, second_order: bool):
    """Query loss after one inner SGD step, computed with torch.func on a plain copy."""
    net = nn.Sequential(copy.deepcopy(_backbone()), nn.Linear(4, 2))
    params = {
        '0.2.weight': model.backbone[2].weight,
        '0.2.bias': model.backbone[2].bias,
        '1.weight': model.head.fc.weight,
        '1.bias': model.head.fc.bias,
    }
    s_labels = (support['gt_label'] == 9).long()  # sorted ids [4, 9] -> 4:0, 9:1
    q_labels = (query['gt_label'] == 9).long()
    s_loss = F.cross_entropy(functional_call(net, params, (support['img'],)), s_labels)
    grads = torch.autograd.grad(s_loss, list(params.values()), create_graph=second_order)
    fast = {k: p - INNER_LR * g for (k, p), g in zip(params.items(), grads, strict=True)}
    return F.cross_entropy(functional_call(net, fast, (query['img'],)), q_labels)


@pytest.mark.parametrize('first_order', [False, True])
def test_maml_meta_gradient_matches_manual_computation(first_order: bool) -> None:
    model = _model(first_order=first_order)
    support, query = _episode()
    loss = model(support_data=support, query_data=query, mode='train')['loss']
    loss.backward()
    reference = _model(first_order=first_order)
    expected = _manual(reference, support, query, second_order=not first_order)
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    for ours, theirs in (
        (model.backbone[2].weight, reference.backbone[2].weight),
        (model.head.fc.weight, reference.head.fc.weight),
    ):
        torch.testing.assert_close(ours.grad, theirs.grad, rtol=1e-4, atol=1e-6)
    # fast weights are cleared after the step
    assert all(not getattr(m, 'fast_params', {}) for m in model.modules())


def test_second_order_differs_from_first_order() -> None:
    support, query = _episode()
    grads = []
    for first_order in (False, True):
        model = _model(first_order=first_order)
        model(support_data=support, query_data=query, mode='train')['loss'].backward()
        grads.append(model.backbone[2].weight.grad.clone())
    assert not torch.allclose(grads[0], grads[1])


def test_maml_converts_layers_and_keeps_names() -> None:
    model = MODELS.build(dict(type='MAML', backbone=dict(type='Conv4')))
    assert isinstance(model.head.fc, LinearWithFastWeight)
    assert model.head.fc.weight.shape == (5, 1600)
    assert 'backbone.layers.0.layers.0.weight' in model.state_dict()


def test_maml_meta_test_adapts_with_the_configured_steps() -> None:
    support, query = _episode()
    results = {}
    for steps in (0, 3):
        model = _model()
        model.before_meta_test(dict(fast_test=False, support=dict(num_inner_steps=steps)))
        model.before_forward_support()
        model(img=support['img'][:2], gt_label=support['gt_label'][:2], mode='support')
        model(img=support['img'][2:], gt_label=support['gt_label'][2:], mode='support')
        with torch.no_grad():
            model.before_forward_query()
            results[steps] = np.stack(model(img=query['img'], mode='query'))
    plain = _model()
    expected = torch.softmax(plain.head(plain.extract_feat(query['img'])), dim=1)
    np.testing.assert_allclose(results[0], expected.detach().numpy(), rtol=1e-5)
    assert not np.allclose(results[3], results[0])
    # Adaptation on the support set lowers its loss.
    model = _model()
    model.before_meta_test(dict(support=dict(num_inner_steps=3)))
    model.before_forward_support()
    model(img=support['img'], gt_label=support['gt_label'], mode='support')
    labels = (support['gt_label'] == 9).long()
    before = model._support_loss(support['img'], labels).item()
    model.before_forward_query()
    after = model._support_loss(support['img'], labels).item()
    assert after < before


def test_maml_rejects_cached_features_and_bad_arguments() -> None:
    model = _model()
    with pytest.raises(ValueError, match='fast_test=False'):
        model.before_meta_test(dict(fast_test=True))
    model.before_meta_test(dict())
    model.before_forward_support()
    with pytest.raises(ValueError, match='not cached features'):
        model(feats=torch.randn(2, 4), gt_label=torch.tensor([0, 1]), mode='support')
    with pytest.raises(ValueError, match='inner_lr must be positive'):
        MODELS.build(dict(type='MAML', backbone=dict(type='Conv4'), inner_lr=0))
    with pytest.raises(ValueError, match='num_inner_steps must be >= 0'):
        MODELS.build(dict(type='MAML', backbone=dict(type='Conv4'), num_inner_steps=-1))
