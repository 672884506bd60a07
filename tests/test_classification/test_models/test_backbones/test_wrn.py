import pytest
import torch

from mmfewshot.registry import MODELS


def test_wide_resnet_shapes() -> None:
    model = MODELS.build(dict(type='WideResNet', depth=16, widen_factor=2)).eval()
    # stride 1, 2, 2: 36 -> 36 -> 18 -> 9, then pooled
    assert model(torch.randn(2, 3, 36, 36)).shape == (2, 128)
    unpooled = MODELS.build(
        dict(type='WideResNet', depth=10, widen_factor=1, with_avgpool=False)
    ).eval()
    assert unpooled(torch.randn(1, 3, 36, 36)).shape == (1, 64 * 9 * 9)
    maps = MODELS.build(
        dict(type='WideResNet', depth=10, widen_factor=1, with_avgpool=False, flatten=False)
    ).eval()
    assert maps(torch.randn(1, 3, 32, 32)).shape == (1, 64, 8, 8)


def test_wrn28x10_structure_and_output() -> None:
    model = MODELS.build(dict(type='WRN28x10')).eval()
    assert len(model.layer1) == len(model.layer2) == len(model.layer3) == 4
    assert model.layer3[0].conv1.weight.shape == (640, 320, 3, 3)
    assert model.layer1[0].dropout.p == 0.5
    assert model(torch.randn(1, 3, 8, 8)).shape == (1, 640)


def test_wide_resnet_parameter_names() -> None:
    state = MODELS.build(dict(type='WideResNet', depth=10, widen_factor=2)).state_dict()
    assert 'conv1.weight' in state
    assert state['layer1.0.shortcut.0.weight'].shape == (32, 16, 1, 1)
    assert state['layer1.0.shortcut.0.bias'].shape == (32,)
    assert state['norm1.weight'].shape == (128,)


def test_wide_resnet_rejects_bad_depth() -> None:
    with pytest.raises(ValueError, match='depth must be 6n\\+4'):
        MODELS.build(dict(type='WideResNet', depth=12))
