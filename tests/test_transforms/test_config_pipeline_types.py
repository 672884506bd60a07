"""Every pipeline ``type=`` string of the original configs builds through TRANSFORMS.

The 25 pipeline names below are all those the 0.x configs use (mmfewshot's own,
the mmcls ones, the names shared by both tasks and the mmdet ones), each with the
arguments the configs pass.
"""

from __future__ import annotations

from typing import Any

import pytest

from mmfewshot.registry import PIPELINES, TRANSFORMS

NORM = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
CAFFE_NORM = dict(mean=[103.53, 116.28, 123.675], std=[1.0, 1.0, 1.0], to_rgb=False)
SCALES = (32, 64, 128, 256, 512, 800)

CONFIG_PIPELINES: list[dict[str, Any]] = [
    # mmfewshot's own
    dict(type='LoadImageFromBytes'),
    dict(type='CropResizeInstance', num_context_pixels=16, target_size=(320, 320)),
    dict(type='GenerateMask', target_size=(224, 224)),
    dict(type='CropInstance', context_ratio=1 / 7.0),
    dict(type='ResizeToMultiScale', multi_scales=[(s * 8 / 7.0, s * 8 / 7.0) for s in SCALES]),
    dict(type='MultiImageRandomCrop', multi_crop_sizes=[(s, s) for s in SCALES]),
    dict(type='MultiImageNormalize', **CAFFE_NORM),
    dict(type='MultiImageRandomFlip', flip_ratio=0.5),
    dict(type='MultiImagePad', size_divisor=32),
    dict(type='MultiImageFormatBundle'),
    dict(type='MultiImageCollect', keys=['img', 'gt_labels']),
    # mmcls
    dict(type='RandomResizedCrop', size=84),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='CenterCrop', crop_size=84),
    # shared, mmcls style
    dict(type='LoadImageFromFile'),
    dict(type='Resize', size=(int(84 * 1.15), -1)),
    dict(type='RandomFlip', flip_prob=0.5, direction='horizontal'),
    dict(type='Normalize', **NORM),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img', 'gt_label']),
    # shared, mmdet style
    dict(
        type='Resize',
        img_scale=[(1333, s) for s in range(480, 801, 32)],
        keep_ratio=True,
        multiscale_mode='value',
    ),
    dict(type='Resize', img_scale=(1000, 600), keep_ratio=True),
    dict(type='Resize', keep_ratio=True),
    dict(type='RandomFlip', flip_ratio=0.5),
    dict(type='RandomFlip'),
    dict(type='Normalize', **CAFFE_NORM),
    dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
    # mmdet
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Pad', size_divisor=32),
    dict(type='DefaultFormatBundle'),
    dict(
        type='MultiScaleFlipAug',
        img_scale=(1333, 800),
        flip=False,
        transforms=[
            dict(type='Resize', keep_ratio=True),
            dict(type='RandomFlip'),
            dict(type='Normalize', **CAFFE_NORM),
            dict(type='ImageToTensor', keys=['img']),
            dict(type='Collect', keys=['img']),
        ],
    ),
]


def test_every_config_name_is_covered() -> None:
    names = {cfg['type'] for cfg in CONFIG_PIPELINES}
    assert len(names) == 25


@pytest.mark.parametrize('cfg', CONFIG_PIPELINES, ids=lambda cfg: cfg['type'])
def test_config_pipeline_builds(cfg: dict[str, Any]) -> None:
    transform = TRANSFORMS.build(dict(cfg))
    assert type(transform).__name__ == cfg['type']
    assert type(transform).__module__.startswith('mmfewshot.')
    assert callable(transform)
    assert repr(transform).startswith(cfg['type'])
    assert PIPELINES.get(cfg['type']) is type(transform)
