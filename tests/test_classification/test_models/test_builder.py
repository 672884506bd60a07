import copy

from mmfewshot.classification.models import (
    BACKBONES,
    CLASSIFIERS,
    HEADS,
    LOSSES,
    Conv4,
    MSELoss,
    ProtoNet,
    PrototypeHead,
    build_backbone,
    build_classifier,
    build_head,
    build_loss,
)
from mmfewshot.registry import MODELS


def test_builders_build_through_models_without_mutating_the_config() -> None:
    cfg = dict(type='ProtoNet', backbone=dict(type='Conv4'))
    frozen = copy.deepcopy(cfg)
    assert isinstance(build_classifier(cfg), ProtoNet)
    assert cfg == frozen
    assert isinstance(build_backbone(dict(type='Conv4')), Conv4)
    assert isinstance(build_head(dict(type='PrototypeHead')), PrototypeHead)
    assert isinstance(build_loss(dict(type='MSELoss')), MSELoss)


def test_registry_aliases_are_the_models_registry() -> None:
    assert CLASSIFIERS is BACKBONES is HEADS is LOSSES is MODELS
    assert CLASSIFIERS.get('ProtoNet') is ProtoNet
