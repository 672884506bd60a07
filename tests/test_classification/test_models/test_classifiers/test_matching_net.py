from mmfewshot.classification.models import MatchingHead
from mmfewshot.registry import MODELS


def test_matching_net_default_head() -> None:
    model = MODELS.build(dict(type='MatchingNet', backbone=dict(type='Conv4')))
    assert isinstance(model.head, MatchingHead)
    assert model.head.temperature == 100.0
