import copy

import numpy as np
import pytest
import torch
from torch import Tensor, nn

from mmfewshot.classification.models import LinearHead
from mmfewshot.registry import MODELS

FEAT = 4
TRAIN = dict(num_steps=30, optimizer=dict(type='SGD', lr=0.5, momentum=0.9))
META_TEST_CFG = dict(num_ways=3, support=dict(batch_size=4, train=TRAIN), query=dict(batch_size=6))


class _RecordingHead(LinearHead):
    """LinearHead that records the size of every fine-tuning batch."""

    batches: list[int] = []

    def forward_support(self, x: Tensor, gt_label: Tensor, **kwargs):
        type(self).batches.append(x.size(0))
        return super().forward_support(x, gt_label)


def _model(meta_test_head=None) -> nn.Module:
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, FEAT))
    if meta_test_head is None:
        meta_test_head = dict(type='LinearHead', num_classes=3, in_channels=FEAT)
    return MODELS.build(
        dict(
            type='BaseFinetuneClassifier',
            backbone=backbone,
            head=dict(type='LinearHead', num_classes=10, in_channels=FEAT),
            meta_test_head=meta_test_head,
        )
    )


def _separable_task(labels=(10, 20, 30)):
    # class k sits at 3 * e_k in feature space (features passed directly, as in fast test)
    support = torch.cat([3 * torch.eye(FEAT)[:3].repeat_interleave(2, 0)])
    support = support + 0.1 * torch.randn(6, FEAT, generator=torch.Generator().manual_seed(1))
    support_labels = torch.tensor(labels).repeat_interleave(2)
    query = 3 * torch.eye(FEAT)[:3]
    return support, support_labels, query


def _run_task(model, support, labels, query):
    model.before_forward_support()
    model(feats=support[:3], gt_label=labels[:3], mode='support')
    model(feats=support[3:], gt_label=labels[3:], mode='support')
    model.before_forward_query()
    return np.stack(model(feats=query, mode='query'))


def test_finetune_classifier_requires_meta_test_head() -> None:
    with pytest.raises(ValueError, match='needs meta_test_head'):
        MODELS.build(
            dict(
                type='BaseFinetuneClassifier',
                backbone=dict(type='Conv4'),
                head=dict(type='LinearHead', num_classes=10, in_channels=1600),
            )
        )


def test_forward_train_uses_the_training_head(plain_batch) -> None:
    model = _model()
    data = model.data_preprocessor(plain_batch(labels=(0, 3, 5), size=8), True)
    losses = model(**data, mode='train')
    expected = model.head.forward_train(model.extract_feat(data['img']), data['gt_label'])
    assert losses['loss'].item() == pytest.approx(expected['loss'].item())
    with pytest.raises(ValueError, match='train fine-tune methods on plain batches'):
        model(support_data={}, query_data={}, mode='train')


def test_before_meta_test_validates_config_and_freezes_backbone() -> None:
    model = _model()
    with pytest.raises(RuntimeError, match='call before_meta_test'):
        model.before_forward_support()
    with pytest.raises(ValueError, match=r'needs meta_test_cfg\.support\.train'):
        model.before_meta_test(dict(support=dict(batch_size=4)))
    model.train()
    model.before_meta_test(META_TEST_CFG)
    assert not model.backbone.training
    assert all(not p.requires_grad for p in model.backbone.parameters())


def test_finetuning_fits_a_fresh_head_per_task() -> None:
    model = _model()
    model.before_meta_test(META_TEST_CFG)
    backbone_before = copy.deepcopy(model.backbone.state_dict())
    training_head = model.head
    support, labels, query = _separable_task()
    model.before_forward_support()
    init_weight = model.meta_test_head.fc.weight.detach().clone()
    scores = _run_task(model, support, labels, query)
    # Columns follow the sorted support class ids 10, 20, 30.
    assert scores.argmax(axis=1).tolist() == [0, 1, 2]
    np.testing.assert_allclose(scores.sum(axis=1), 1.0, rtol=1e-5)
    assert model.head is training_head
    assert model.meta_test_head is not training_head
    # A new task starts again from the same seeded initialisation, not from the tuned head.
    model.before_forward_support()
    torch.testing.assert_close(model.meta_test_head.fc.weight, init_weight)
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, backbone_before[key])


def test_finetuning_is_deterministic_and_uses_the_configured_batches() -> None:
    _RecordingHead.batches = []
    model = _model(meta_test_head=_RecordingHead(num_classes=3, in_channels=FEAT))
    model.before_meta_test(META_TEST_CFG)
    support, labels, query = _separable_task()
    first = _run_task(model, support, labels, query)
    assert _RecordingHead.batches == [4] * TRAIN['num_steps']
    second = _run_task(copy.deepcopy(model), support, labels, query)
    np.testing.assert_array_equal(first, second)


def test_finetuning_works_under_no_grad_and_with_images() -> None:
    model = _model()
    model.before_meta_test(META_TEST_CFG)
    imgs = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    with torch.no_grad():
        model.before_forward_support()
        model(img=imgs, gt_label=labels, mode='support')
        before = model.meta_test_head.fc.weight.detach().clone()
        model.before_forward_query()
        scores = model(img=imgs, mode='query')
    assert not torch.equal(before, model.meta_test_head.fc.weight)
    assert len(scores) == 6


def test_fresh_head_does_not_touch_the_global_rng() -> None:
    model = _model()
    model.before_meta_test({**META_TEST_CFG, 'seed': 3})
    state = torch.get_rng_state()
    model.before_forward_support()
    assert torch.equal(torch.get_rng_state(), state)
    other_seed = _model()
    other_seed.before_meta_test(META_TEST_CFG)
    other_seed.before_forward_support()
    assert not torch.equal(other_seed.meta_test_head.fc.weight, model.meta_test_head.fc.weight)
