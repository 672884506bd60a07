from mmfewshot.classification.models import MetaBaselineHead
from mmfewshot.registry import MODELS


def test_meta_baseline_default_head_has_a_learnable_temperature() -> None:
    model = MODELS.build(dict(type='MetaBaseline', backbone=dict(type='Conv4')))
    assert isinstance(model.head, MetaBaselineHead)
    names = [name for name, _ in model.named_parameters()]
    assert 'head.temperature' in names
