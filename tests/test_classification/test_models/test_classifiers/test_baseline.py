from mmfewshot.classification.models import Baseline, LinearHead
from mmfewshot.registry import MODELS


def test_baseline_default_heads() -> None:
    model = MODELS.build(dict(type='Baseline', backbone=dict(type='Conv4')))
    assert isinstance(model, Baseline)
    assert isinstance(model.head, LinearHead)
    assert (model.head.num_classes, model.head.in_channels) == (100, 1600)
    assert model.meta_test_head is None  # built per task at meta-test time
    assert model.meta_test_head_cfg == dict(type='LinearHead', num_classes=5, in_channels=1600)
