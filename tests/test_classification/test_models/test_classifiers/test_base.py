import copy

import pytest
import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mmfewshot.classification.models import BaseFewShotClassifier
from mmfewshot.registry import MODELS
from mmfewshot.utils import FewShotDataPreprocessor


def _tiny_proto_net() -> nn.Module:
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(12, 4))
    return MODELS.build(dict(type='ProtoNet', backbone=backbone))


def test_base_classifier_is_abstract_and_registered() -> None:
    assert MODELS.get('BaseFewShotClassifier') is BaseFewShotClassifier
    with pytest.raises(TypeError, match='abstract'):
        BaseFewShotClassifier(backbone=dict(type='Conv4'))


def test_defaults_and_config_not_mutated() -> None:
    cfg = dict(type='ProtoNet', backbone=dict(type='Conv4', flatten=True))
    frozen = copy.deepcopy(cfg)
    model = MODELS.build(cfg)
    assert cfg == frozen
    assert isinstance(model.data_preprocessor, FewShotDataPreprocessor)
    assert model.device == torch.device('cpu')
    assert 'device_indicator' in model.state_dict()
    assert model.with_head
    assert not model.with_neck


def test_forward_rejects_bad_calls() -> None:
    model = _tiny_proto_net()
    img = torch.randn(2, 3, 8, 8)
    with pytest.raises(ValueError, match="mode='predict'; use one of train, support, query"):
        model(img=img, mode='predict')
    with pytest.raises(ValueError, match='needs gt_label'):
        model(img=img, mode='support')
    with pytest.raises(ValueError, match="mode='query'\\) needs img or feats"):
        model(mode='query')
    with pytest.raises(ValueError, match='needs img'):
        model(feats=torch.randn(2, 4), mode='extract_feat')
    with pytest.raises(ValueError, match='augments'):
        MODELS.build(
            dict(type='ProtoNet', backbone=dict(type='Conv4'), train_cfg=dict(augments=[]))
        )


def test_parse_losses_sums_loss_keys_and_flattens_dicts() -> None:
    model = _tiny_proto_net()
    losses = {
        'loss': torch.tensor(1.0),
        'loss_aux': [torch.tensor([1.0, 3.0]), torch.tensor(0.5)],
        'accuracy': {'top-1': torch.tensor(80.0)},
        'other': torch.tensor(7.0),
    }
    total, log_vars = model.parse_losses(losses)
    assert total.item() == pytest.approx(1.0 + 2.0 + 0.5)
    assert list(log_vars) == ['loss', 'loss_aux', 'top-1', 'other']
    assert log_vars['loss'].item() == pytest.approx(3.5)
    assert log_vars['top-1'].item() == pytest.approx(80.0)
    with pytest.raises(ValueError, match='no entry whose key contains "loss"'):
        model.parse_losses({'accuracy': torch.tensor(1.0)})
    with pytest.raises(TypeError, match="loss entry 'loss' is a str"):
        model.parse_losses({'loss': 'x'})


def test_train_step_is_one_sgd_step_on_the_summed_loss(episode_batch) -> None:
    model = _tiny_proto_net()
    batch = episode_batch(size=8)
    reference = copy.deepcopy(model)
    data = reference.data_preprocessor(batch, True)
    loss = reference(**data, mode='train')['loss']
    loss.backward()
    expected = {n: p - 0.1 * p.grad for n, p in reference.named_parameters()}

    log_vars = model.train_step(batch, OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)))
    assert log_vars['loss'].item() == pytest.approx(loss.item())
    for name, param in model.named_parameters():
        torch.testing.assert_close(param, expected[name])


def test_val_step_returns_one_score_array_per_query(episode_batch) -> None:
    model = _tiny_proto_net().eval()
    episode = episode_batch(class_ids=(0, 1, 2), size=8)
    model.before_meta_test(dict(num_ways=3))
    model.before_forward_support()
    support = model.data_preprocessor(episode['support_data'])
    model(img=support['img'], gt_label=support['gt_label'], mode='support')
    model.before_forward_query()
    results = model.test_step(episode['query_data'])
    assert len(results) == 9
    assert all(r.shape == (3,) for r in results)
