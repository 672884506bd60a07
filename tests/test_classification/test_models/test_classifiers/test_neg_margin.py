from mmfewshot.classification.models import NegMarginHead
from mmfewshot.registry import MODELS


def test_neg_margin_default_heads() -> None:
    model = MODELS.build(dict(type='NegMargin', backbone=dict(type='Conv4')))
    assert isinstance(model.head, NegMarginHead)
    head = model.head
    assert (head.num_classes, head.margin, head.temperature, head.metric_type) == (
        100,
        -0.02,
        30.0,
        'cosine',
    )
    test_head = model.meta_test_head_cfg
    assert (test_head['num_classes'], test_head['margin'], test_head['temperature']) == (
        5,
        0.0,
        5.0,
    )
