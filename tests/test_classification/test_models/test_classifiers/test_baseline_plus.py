from mmfewshot.classification.models import CosineDistanceHead
from mmfewshot.registry import MODELS


def test_baseline_plus_default_heads() -> None:
    model = MODELS.build(dict(type='BaselinePlus', backbone=dict(type='Conv4')))
    assert isinstance(model.head, CosineDistanceHead)
    assert (model.head.num_classes, model.head.temperature) == (100, 2.0)
    assert model.meta_test_head_cfg['type'] == 'CosineDistanceHead'
    assert model.meta_test_head_cfg['num_classes'] == 5
