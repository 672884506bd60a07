"""Contract test: every registered classifier trains, meta-tests and extracts features."""

from __future__ import annotations

import copy
import inspect
import math

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper

import mmfewshot.classification.models  # noqa: F401  (registers the classifiers)
from mmfewshot.classification.models import BaseFewShotClassifier, BaseFinetuneClassifier
from mmfewshot.registry import MODELS

WAYS, SHOTS, QUERIES, SIZE = 3, 2, 3, 32
CONV4 = dict(type='Conv4')  # 32x32 images give 64 * 2 * 2 = 256 features
FEAT = 256

# One tiny config per registered, concrete classifier. A newly registered
# classifier without an entry here makes test_every_classifier_has_a_config fail.
CONFIGS = {
    'Baseline': dict(
        backbone=CONV4,
        head=dict(type='LinearHead', num_classes=10, in_channels=FEAT),
        meta_test_head=dict(type='LinearHead', num_classes=WAYS, in_channels=FEAT),
    ),
    'BaseFinetuneClassifier': dict(
        backbone=CONV4,
        head=dict(type='LinearHead', num_classes=10, in_channels=FEAT),
        meta_test_head=dict(type='LinearHead', num_classes=WAYS, in_channels=FEAT),
    ),
    'BaselinePlus': dict(
        backbone=CONV4,
        head=dict(type='CosineDistanceHead', num_classes=10, in_channels=FEAT),
        meta_test_head=dict(type='CosineDistanceHead', num_classes=WAYS, in_channels=FEAT),
    ),
    'NegMargin': dict(
        backbone=CONV4,
        head=dict(
            type='NegMarginHead', num_classes=10, in_channels=FEAT, margin=-0.02, temperature=10.0
        ),
        meta_test_head=dict(
            type='NegMarginHead', num_classes=WAYS, in_channels=FEAT, margin=0.0, temperature=5.0
        ),
    ),
    'BaseMetricClassifier': dict(backbone=CONV4, head=dict(type='PrototypeHead')),
    'ProtoNet': dict(backbone=CONV4),
    'MatchingNet': dict(backbone=CONV4),
    'MetaBaseline': dict(backbone=CONV4),
    # Conv4NoPool maps 32x32 images to (64, 6, 6).
    'RelationNet': dict(
        backbone=dict(type='Conv4NoPool'),
        head=dict(type='RelationHead', in_channels=64, feature_size=(6, 6)),
    ),
    'MAML': dict(
        backbone=CONV4,
        head=dict(type='LinearHead', num_classes=WAYS, in_channels=FEAT),
        num_inner_steps=1,
    ),
}

META_TEST_CFG = dict(
    num_episodes=1,
    num_ways=WAYS,
    num_shots=SHOTS,
    num_queries=QUERIES,
    fast_test=False,
    support=dict(
        batch_size=4,
        num_inner_steps=2,
        train=dict(num_steps=5, optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
    ),
    query=dict(batch_size=WAYS * QUERIES),
)


def _registered_classifiers() -> list[str]:
    MODELS.import_from_location()
    names = []
    node = MODELS
    for name, cls in node.module_dict.items():
        if inspect.isclass(cls) and issubclass(cls, BaseFewShotClassifier):
            names.append(name)
    return sorted(names)


REGISTERED = _registered_classifiers()
CONCRETE = [n for n in REGISTERED if not inspect.isabstract(MODELS.get(n))]


def test_every_classifier_has_a_config() -> None:
    expected = {
        'MAML',
        'Baseline',
        'BaselinePlus',
        'NegMargin',
        'ProtoNet',
        'MatchingNet',
        'RelationNet',
        'MetaBaseline',
    }
    assert expected <= set(CONCRETE)
    assert set(CONCRETE) == set(CONFIGS)
    # The base class is registered (as in the original) but abstract.
    assert 'BaseFewShotClassifier' in REGISTERED
    assert 'BaseFewShotClassifier' not in CONCRETE


@pytest.mark.parametrize('name', CONCRETE)
def test_classifier_contract(name: str, episode_batch, plain_batch) -> None:
    torch.manual_seed(0)
    model = MODELS.build(dict(type=name, **copy.deepcopy(CONFIGS[name])))
    assert isinstance(model, BaseFewShotClassifier)
    assert model.device_indicator.numel() == 0
    model.train()
    finetune = isinstance(model, BaseFinetuneClassifier)

    # train: one optimisation step through the data preprocessor.
    batch = plain_batch(labels=(0, 1, 2, 3, 4, 5)) if finetune else episode_batch()
    before = [p.detach().clone() for p in model.parameters()]
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log_vars = model.train_step(batch, optim_wrapper)
    assert math.isfinite(log_vars['loss'].item())
    changed = [
        not torch.equal(b, p.detach()) for b, p in zip(before, model.parameters(), strict=True)
    ]
    assert any(changed), 'the optimisation step changed no parameter'
    assert all(p.grad is None or torch.isfinite(p.grad).all() for p in model.parameters())

    # extract_feat
    imgs = episode_batch()['query_data']['img']
    feats = model(img=imgs, mode='extract_feat')
    assert feats.shape[0] == WAYS * QUERIES
    assert torch.isfinite(feats).all()

    # support + query on a copy, as the meta-test does.
    original_state = {k: v.clone() for k, v in model.state_dict().items()}
    tester = copy.deepcopy(model)
    tester.before_meta_test(META_TEST_CFG)
    tester.before_forward_support()
    episode = episode_batch(class_ids=(0, 1, 2), seed=1)
    support = tester.data_preprocessor(episode['support_data'], False)
    for half in (slice(0, 4), slice(4, None)):
        tester(img=support['img'][half], gt_label=support['gt_label'][half], mode='support')
    tester.before_forward_query()
    results = tester.val_step(episode['query_data'])
    assert len(results) == WAYS * QUERIES
    scores = np.stack(results)
    assert scores.shape == (WAYS * QUERIES, WAYS)
    assert np.isfinite(scores).all()
    np.testing.assert_allclose(scores.sum(axis=1), 1.0, rtol=1e-5)
    # The trained model is untouched by meta-testing its copy.
    for key, value in model.state_dict().items():
        assert torch.equal(value, original_state[key]), key
