import numpy as np
import pytest
import torch
from torch import Tensor, nn

from mmfewshot.registry import MODELS


class _CountingBackbone(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.calls = 0

    def forward(self, x: Tensor) -> Tensor:
        self.calls += 1
        return self.fc(x.mean(dim=(2, 3)))


def _model() -> nn.Module:
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='BaseMetricClassifier',
            backbone=_CountingBackbone(),
            head=dict(type='PrototypeHead'),
        )
    )


def test_forward_train_extracts_support_and_query_separately(episode_batch) -> None:
    model = _model()
    data = model.data_preprocessor(episode_batch(size=8), True)
    losses = model(**data, mode='train')
    assert model.backbone.calls == 2
    support, query = data['support_data'], data['query_data']
    expected = model.head.forward_train(
        model.extract_feat(support['img']),
        support['gt_label'],
        model.extract_feat(query['img']),
        query['gt_label'],
    )
    assert losses['loss'].item() == pytest.approx(expected['loss'].item())


def test_forward_train_accepts_cached_features() -> None:
    model = _model()
    support = dict(feats=torch.randn(4, 4), gt_label=torch.tensor([1, 1, 2, 2]))
    query = dict(feats=torch.randn(2, 4), gt_label=torch.tensor([2, 1]))
    losses = model(support_data=support, query_data=query, mode='train')
    assert model.backbone.calls == 0
    assert torch.isfinite(losses['loss'])


def test_forward_train_requires_an_episode(plain_batch) -> None:
    model = _model()
    data = model.data_preprocessor(plain_batch(size=8), True)
    with pytest.raises(ValueError, match='train metric methods on episodes'):
        model(**data, mode='train')


def test_meta_test_flow_matches_the_head_on_features() -> None:
    model = _model()
    model.train()
    model.before_meta_test(dict(num_ways=2))
    assert not model.training
    support = torch.randn(4, 3, 8, 8)
    labels = torch.tensor([0, 0, 1, 1])
    query = torch.randn(3, 3, 8, 8)
    model.before_forward_support()
    model(img=support[:2], gt_label=labels[:2], mode='support')
    model(img=support[2:], gt_label=labels[2:], mode='support')
    model.before_forward_query()
    scores = np.stack(model(img=query, mode='query'))
    logits = model.head(model.extract_feat(support), labels, model.extract_feat(query))
    np.testing.assert_allclose(scores, torch.softmax(logits, 1).detach().numpy(), rtol=1e-5)
    # cached features give the same scores as images
    feats_scores = np.stack(model(feats=model.extract_feat(query), mode='query'))
    np.testing.assert_allclose(feats_scores, scores, rtol=1e-6)
