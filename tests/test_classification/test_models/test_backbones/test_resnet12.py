import pytest
import torch

from mmfewshot.registry import MODELS


def test_resnet12_84x84_gives_640_features() -> None:
    model = MODELS.build(dict(type='ResNet12')).eval()
    assert model(torch.randn(2, 3, 84, 84)).shape == (2, 640)


def test_resnet12_pooling_and_flatten_options() -> None:
    x = torch.randn(1, 3, 84, 84)
    maps = MODELS.build(dict(type='ResNet12', with_avgpool=False, flatten=False)).eval()
    assert maps(x).shape == (1, 640, 5, 5)
    # Narrow networks keep the test fast; the spatial logic is the same.
    narrow = (4, 4, 4, 8)
    pooled = MODELS.build(dict(type='ResNet12', pool_size=(2, 2), channels=narrow)).eval()
    assert pooled(x).shape == (1, 8 * 4)
    unflat = MODELS.build(dict(type='ResNet12', flatten=False, channels=narrow)).eval()
    assert unflat(x).shape == (1, 8, 1, 1)
    flat_maps = MODELS.build(dict(type='ResNet12', with_avgpool=False, channels=narrow)).eval()
    assert flat_maps(x).shape == (1, 8 * 5 * 5)


def test_resnet12_drop_block_is_random_in_training_only() -> None:
    model = MODELS.build(
        dict(type='ResNet12', drop_rate=0.5, drop_block_size=2, channels=(4, 4, 8, 8))
    )
    assert model.layer3[0].drop_block is not None
    assert model.layer1[0].drop_block is None
    for block in (model.layer3[0], model.layer4[0]):
        block.num_batches_tracked = 10**6  # past the keep-rate ramp
    x = torch.randn(2, 3, 32, 32)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    torch.manual_seed(0)
    first = model(x)
    second = model(x)
    assert not torch.equal(first, second)
    assert model.layer3[0].num_batches_tracked == 10**6 + 2


def test_resnet12_parameter_names_match_the_original() -> None:
    state = MODELS.build(dict(type='ResNet12')).state_dict()
    block = [
        'conv1.weight',
        'norm1.weight',
        'norm1.bias',
        'norm1.running_mean',
        'norm1.running_var',
        'norm1.num_batches_tracked',
        'conv2.weight',
    ]
    assert list(state)[:7] == [f'layer1.0.{name}' for name in block]
    assert len(state) == 96
    assert state['layer2.0.downsample.0.weight'].shape == (160, 64, 1, 1)
    assert state['layer4.0.conv3.weight'].shape == (640, 640, 3, 3)


def test_resnet12_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r'drop_rate must be in \[0, 1\)'):
        MODELS.build(dict(type='ResNet12', drop_rate=1.5))
    with pytest.raises(ValueError, match='drop_block_size must be >= 1'):
        MODELS.build(dict(type='ResNet12', drop_block_size=0))
