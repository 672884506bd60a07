import pytest
import torch.nn as nn
from mmengine.registry import MODELS as MMENGINE_MODELS

from mmfewshot import registry
from mmfewshot.registry import (
    AGGREGATORS,
    BACKBONES,
    CLASSIFIERS,
    DATASETS,
    DETECTORS,
    HEADS,
    HOOKS,
    LOSSES,
    MODELS,
    NECKS,
    PIPELINES,
    ROI_EXTRACTORS,
    RUNNERS,
    SHARED_HEADS,
    TRANSFORMS,
    UnknownTypeError,
)

DOCUMENTED = [
    'CLASSIFIERS', 'BACKBONES', 'NECKS', 'HEADS', 'LOSSES', 'DETECTORS', 'SHARED_HEADS',
    'ROI_EXTRACTORS', 'AGGREGATORS', 'DATASETS', 'PIPELINES', 'HOOKS', 'RUNNERS',
]  # fmt: skip


@pytest.mark.parametrize('name', DOCUMENTED)
def test_documented_registry_is_a_scoped_child_of_mmengine(name: str) -> None:
    node = getattr(registry, name)
    assert node.scope == 'mmfewshot'
    assert node.parent is not None
    assert node.parent.scope == 'mmengine'
    assert node._locations, f'{name} has no lazy import locations'


def test_model_aliases_share_one_node() -> None:
    for alias in (CLASSIFIERS, BACKBONES, NECKS, HEADS, LOSSES, DETECTORS, SHARED_HEADS,
                  ROI_EXTRACTORS, AGGREGATORS):  # fmt: skip
        assert alias is MODELS
    assert PIPELINES is TRANSFORMS
    assert MODELS.parent is MMENGINE_MODELS


def test_user_module_registered_from_tutorial_code_builds() -> None:
    @BACKBONES.register_module(name='TutorialBackbone')
    class TutorialBackbone(nn.Module):
        def __init__(self, width: int) -> None:
            super().__init__()
            self.fc = nn.Linear(4, width)

    try:
        model = MODELS.build(dict(type='TutorialBackbone', width=3))
        assert isinstance(model, TutorialBackbone)
        assert model.fc.out_features == 3
        assert 'TutorialBackbone' in BACKBONES
    finally:
        MODELS._module_dict.pop('TutorialBackbone')


def test_unknown_type_names_registry_and_closest_names() -> None:
    with pytest.raises(UnknownTypeError) as info:
        HOOKS.build(dict(type='CheckpointHok'))
    message = str(info.value)
    assert "type='CheckpointHok'" in message
    assert 'mmfewshot::hook registry' in message
    assert 'CheckpointHook' in message
    assert '\n' not in message


def test_unknown_type_is_a_key_error_for_mmengine_callers() -> None:
    with pytest.raises(KeyError, match='mmfewshot::dataset registry'):
        DATASETS.build(dict(type='NoSuchDatasetAnywhere'))


def test_membership_test_does_not_raise() -> None:
    assert 'CheckpointHook' in HOOKS
    assert 'NoSuchHook' not in HOOKS
    assert 123 not in RUNNERS


@pytest.mark.parametrize(
    'name', sorted(n for n in registry.__all__ if n.isupper() and n != 'SCOPE')
)
def test_every_registry_has_lazy_locations(name: str) -> None:
    # an empty `locations` makes mmengine fall back to `mmfewshot.utils.register_all_modules`
    assert getattr(registry, name)._locations


def test_init_cfg_builds_in_the_mmfewshot_scope() -> None:
    from mmengine.model import BaseModule

    class Tiny(BaseModule):
        def __init__(self) -> None:
            super().__init__(init_cfg=dict(type='Constant', val=0.5, layer='Linear'))
            self.fc = nn.Linear(2, 2)

    model = Tiny()
    model.init_weights()
    assert float(model.fc.weight.detach().mean()) == 0.5
