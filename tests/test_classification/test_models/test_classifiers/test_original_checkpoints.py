"""Checkpoints written with the original MMFewShot 0.1 state-dict names load strictly.

The expected names and shapes below are copied from the state dicts of the
models the original builds from its configs (one per architecture; the three
datasets differ only in the number of training classes).
"""

from __future__ import annotations

import pytest
import torch

import mmfewshot.classification.models  # noqa: F401
from mmfewshot.registry import MODELS

Spec = list[tuple[str, tuple[int, ...]]]


def _bn(prefix: str, channels: int) -> Spec:
    return [
        (f'{prefix}.weight', (channels,)),
        (f'{prefix}.bias', (channels,)),
        (f'{prefix}.running_mean', (channels,)),
        (f'{prefix}.running_var', (channels,)),
        (f'{prefix}.num_batches_tracked', ()),
    ]


def conv4_spec() -> Spec:
    spec: Spec = []
    for i in range(4):
        spec += [
            (f'backbone.layers.{i}.layers.0.weight', (64, 3 if i == 0 else 64, 3, 3)),
            (f'backbone.layers.{i}.layers.0.bias', (64,)),
            *_bn(f'backbone.layers.{i}.layers.1', 64),
        ]
    return spec


def resnet12_spec() -> Spec:
    spec: Spec = []
    widths = [3, 64, 160, 320, 640]
    for i in range(4):
        c_in, c = widths[i], widths[i + 1]
        block = f'backbone.layer{i + 1}.0'
        spec += [(f'{block}.conv1.weight', (c, c_in, 3, 3)), *_bn(f'{block}.norm1', c)]
        spec += [(f'{block}.conv2.weight', (c, c, 3, 3)), *_bn(f'{block}.norm2', c)]
        spec += [(f'{block}.conv3.weight', (c, c, 3, 3)), *_bn(f'{block}.norm3', c)]
        spec += [
            (f'{block}.downsample.0.weight', (c, c_in, 1, 1)),
            *_bn(f'{block}.downsample.1', c),
        ]
    return spec


def relation_head_spec(channels: int, fc1_in: int) -> Spec:
    return [
        ('head.layer1.0.weight', (channels, 2 * channels, 3, 3)),
        ('head.layer1.0.bias', (channels,)),
        *_bn('head.layer1.1', channels),
        ('head.layer2.0.weight', (channels, channels, 3, 3)),
        ('head.layer2.0.bias', (channels,)),
        *_bn('head.layer2.1', channels),
        ('head.fc1.weight', (8, fc1_in)),
        ('head.fc1.bias', (8,)),
        ('head.fc2.weight', (1, 8)),
        ('head.fc2.bias', (1,)),
    ]


CONV4 = dict(type='Conv4')
RESNET12 = dict(type='ResNet12')
DEVICE = [('device_indicator', (0,))]

# (original architecture id, model config, expected state dict)
ARCHITECTURES = {
    'cls01_baseline_conv4': (
        dict(
            type='Baseline',
            backbone=CONV4,
            head=dict(type='LinearHead', num_classes=100, in_channels=1600),
            meta_test_head=dict(type='LinearHead', num_classes=5, in_channels=1600),
        ),
        DEVICE + conv4_spec() + [('head.fc.weight', (100, 1600)), ('head.fc.bias', (100,))],
    ),
    'cls04_baseline_resnet12_mini': (
        dict(
            type='Baseline',
            backbone=RESNET12,
            head=dict(type='LinearHead', num_classes=64, in_channels=640),
            meta_test_head=dict(type='LinearHead', num_classes=5, in_channels=640),
        ),
        DEVICE + resnet12_spec() + [('head.fc.weight', (64, 640)), ('head.fc.bias', (64,))],
    ),
    'cls07_baseline_plus_conv4': (
        dict(
            type='BaselinePlus',
            backbone=CONV4,
            head=dict(type='CosineDistanceHead', num_classes=100, in_channels=1600),
            meta_test_head=dict(type='CosineDistanceHead', num_classes=5, in_channels=1600),
        ),
        DEVICE + conv4_spec() + [('head.fc.weight_g', (100, 1)), ('head.fc.weight_v', (100, 1600))],
    ),
    'cls10_baseline_plus_resnet12_tiered': (
        dict(
            type='BaselinePlus',
            backbone=RESNET12,
            head=dict(type='CosineDistanceHead', num_classes=351, in_channels=640, temperature=10),
            meta_test_head=dict(
                type='CosineDistanceHead', num_classes=5, in_channels=640, temperature=5
            ),
        ),
        DEVICE
        + resnet12_spec()
        + [('head.fc.weight_g', (351, 1)), ('head.fc.weight_v', (351, 640))],
    ),
    'cls11_maml_conv4': (
        dict(
            type='MAML',
            backbone=CONV4,
            head=dict(type='LinearHead', num_classes=5, in_channels=1600),
        ),
        DEVICE + conv4_spec() + [('head.fc.weight', (5, 1600)), ('head.fc.bias', (5,))],
    ),
    'cls12_maml_resnet12': (
        dict(
            type='MAML',
            backbone=RESNET12,
            head=dict(type='LinearHead', num_classes=5, in_channels=640),
        ),
        DEVICE + resnet12_spec() + [('head.fc.weight', (5, 640)), ('head.fc.bias', (5,))],
    ),
    'cls13_proto_net_conv4': (dict(type='ProtoNet', backbone=CONV4), DEVICE + conv4_spec()),
    'cls13_matching_net_conv4': (dict(type='MatchingNet', backbone=CONV4), DEVICE + conv4_spec()),
    'cls14_proto_net_resnet12': (
        dict(type='ProtoNet', backbone=RESNET12),
        DEVICE + resnet12_spec(),
    ),
    'cls15_meta_baseline_conv4': (
        dict(type='MetaBaseline', backbone=CONV4),
        DEVICE + conv4_spec() + [('head.temperature', ())],
    ),
    'cls16_meta_baseline_resnet12': (
        dict(type='MetaBaseline', backbone=RESNET12),
        DEVICE + resnet12_spec() + [('head.temperature', ())],
    ),
    'cls17_neg_margin_conv4': (
        dict(type='NegMargin', backbone=CONV4),
        DEVICE + conv4_spec() + [('head.weight', (100, 1600))],
    ),
    'cls20_neg_margin_resnet12_tiered': (
        dict(
            type='NegMargin',
            backbone=RESNET12,
            head=dict(
                type='NegMarginHead',
                num_classes=351,
                in_channels=640,
                margin=-0.01,
                temperature=10.0,
            ),
            meta_test_head=dict(
                type='NegMarginHead', num_classes=5, in_channels=640, margin=0.0, temperature=5.0
            ),
        ),
        DEVICE + resnet12_spec() + [('head.weight', (351, 640))],
    ),
    'cls21_relation_net_conv4': (
        dict(
            type='RelationNet',
            backbone=dict(type='Conv4NoPool'),
            head=dict(type='RelationHead', in_channels=64, feature_size=(19, 19)),
        ),
        DEVICE + conv4_spec() + relation_head_spec(64, 576),
    ),
    'cls22_relation_net_resnet12': (
        dict(
            type='RelationNet',
            backbone=dict(type='ResNet12', with_avgpool=False, flatten=False),
            head=dict(type='RelationHead', in_channels=640, feature_size=(5, 5)),
        ),
        DEVICE + resnet12_spec() + relation_head_spec(640, 640),
    ),
}


@pytest.mark.parametrize('arch', sorted(ARCHITECTURES))
def test_original_state_dict_loads_strictly(arch: str) -> None:
    cfg, spec = ARCHITECTURES[arch]
    model = MODELS.build(cfg)
    ours = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    assert ours == spec
    generator = torch.Generator().manual_seed(0)
    original = {}
    for name, shape in spec:
        if name.endswith('num_batches_tracked'):
            original[name] = torch.tensor(7)
        else:
            original[name] = torch.rand(shape, generator=generator) + 0.5
    model.load_state_dict(original, strict=True)
    loaded = model.state_dict()
    for name, value in original.items():
        assert torch.equal(loaded[name], value), name
