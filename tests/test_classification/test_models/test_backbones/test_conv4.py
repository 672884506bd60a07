import pytest
import torch

from mmfewshot.registry import MODELS


def test_conv4_84x84_gives_1600_features() -> None:
    model = MODELS.build(dict(type='Conv4'))
    assert model(torch.randn(2, 3, 84, 84)).shape == (2, 1600)
    maps = MODELS.build(dict(type='Conv4', flatten=False))
    assert maps(torch.randn(2, 3, 84, 84)).shape == (2, 64, 5, 5)


def test_conv4_no_pool_84x84_gives_64x19x19() -> None:
    model = MODELS.build(dict(type='Conv4NoPool'))
    assert model(torch.randn(2, 3, 84, 84)).shape == (2, 64, 19, 19)


def test_convnet_custom_blocks() -> None:
    # 32 -> conv (no pad) 30 -> pool 15 -> conv (pad) 15
    model = MODELS.build(
        dict(type='ConvNet', depth=2, pooling_blocks=(0,), padding_blocks=(1,), flatten=False)
    )
    assert model(torch.randn(1, 3, 32, 32)).shape == (1, 64, 15, 15)


def test_conv4_parameter_names_match_the_original() -> None:
    model = MODELS.build(dict(type='Conv4'))
    names = list(model.state_dict())
    assert names[:7] == [
        'layers.0.layers.0.weight',
        'layers.0.layers.0.bias',
        'layers.0.layers.1.weight',
        'layers.0.layers.1.bias',
        'layers.0.layers.1.running_mean',
        'layers.0.layers.1.running_var',
        'layers.0.layers.1.num_batches_tracked',
    ]
    assert len(names) == 28
    assert model.state_dict()['layers.3.layers.0.weight'].shape == (64, 64, 3, 3)


def test_convnet_rejects_bad_blocks() -> None:
    with pytest.raises(ValueError, match=r'pooling_blocks=\(0, 4\) has block indices \[4\]'):
        MODELS.build(dict(type='ConvNet', depth=4, pooling_blocks=(0, 4), padding_blocks=()))
    with pytest.raises(ValueError, match='depth must be a positive integer'):
        MODELS.build(dict(type='ConvNet', depth=0, pooling_blocks=(), padding_blocks=()))
