"""The pipelines of the 0.x detection configs, run end to end on an image file in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import torch

from mmfewshot.transforms import Compose
from mmfewshot.transforms.collect import DEFAULT_META_KEYS
from mmfewshot.utils import DataContainer, collate

IMG_NORM_CFG = dict(mean=[103.53, 116.28, 123.675], std=[1.0, 1.0, 1.0], to_rgb=False)
MEAN = np.array(IMG_NORM_CFG['mean'])
BOXES = np.array([[10, 5, 30, 25], [40, 20, 80, 60]], dtype=np.float32)


@pytest.fixture
def image_file(tmp_path: Path, scene: np.ndarray) -> Path:
    path = tmp_path / 'VOC2007' / 'JPEGImages' / '000001.png'
    path.parent.mkdir(parents=True)
    assert cv2.imwrite(str(path), scene)
    return path


def _item(path: Path, boxes: np.ndarray = BOXES, labels: list[int] | None = None) -> dict:
    labels = [0, 2] if labels is None else labels
    return {
        'img_prefix': str(path.parent.parent.parent),
        'img_info': {'id': '000001', 'filename': 'VOC2007/JPEGImages/000001.png'},
        'ann_info': {
            'bboxes': boxes.copy(),
            'labels': np.array(labels, dtype=np.int64),
            'bboxes_ignore': np.array([[0, 0, 8, 8]], dtype=np.float32),
            'labels_ignore': np.zeros((1,), dtype=np.int64),
        },
        'bbox_fields': [],
        'img_fields': [],
    }


def test_fine_tune_train_pipeline(image_file: Path, scene: np.ndarray) -> None:
    pipeline = Compose(
        [
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='Resize', img_scale=(100, 50), keep_ratio=True),
            dict(type='RandomFlip', flip_ratio=1.0),
            dict(type='Normalize', **IMG_NORM_CFG),
            dict(type='Pad', size_divisor=32),
            dict(type='DefaultFormatBundle'),
            dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
        ]
    )
    out = pipeline(_item(image_file))
    assert set(out) == {'img', 'gt_bboxes', 'gt_labels', 'img_metas'}
    # Resize: factor min(100/80, 50/60) = 0.8333 -> (int(67.17), int(50.5)) = 67 x 50
    w_scale, h_scale = 67 / 80, 50 / 60
    scaled = BOXES * [w_scale, h_scale, w_scale, h_scale]
    # horizontal flip in the 67 px wide image: x1' = 67 - x2, x2' = 67 - x1
    expected = scaled.copy()
    expected[:, 0], expected[:, 2] = 67 - scaled[:, 2], 67 - scaled[:, 0]
    np.testing.assert_allclose(
        expected, [[41.875, 4.1667, 58.625, 20.8333], [0, 16.6667, 33.5, 50]], rtol=1e-4
    )
    np.testing.assert_allclose(out['gt_bboxes'].data.numpy(), expected, rtol=1e-5)
    assert out['gt_labels'].data.tolist() == [0, 2]
    img = out['img'].data
    assert img.shape == (3, 64, 96)  # padded to multiples of 32
    reference = cv2.resize(scene, (67, 50), interpolation=cv2.INTER_LINEAR)[:, ::-1] - MEAN
    np.testing.assert_allclose(img[:, :50, :67].numpy(), reference.transpose(2, 0, 1), atol=1e-4)
    assert not img[:, 50:].any()
    assert not img[:, :, 67:].any()
    meta = out['img_metas'].data
    assert set(meta) == set(DEFAULT_META_KEYS)
    assert meta['ori_shape'] == (60, 80, 3)
    assert meta['img_shape'] == (50, 67, 3)
    assert meta['pad_shape'] == (64, 96, 3)
    assert meta['flip'] is True
    assert meta['flip_direction'] == 'horizontal'
    np.testing.assert_allclose(meta['scale_factor'], [w_scale, h_scale] * 2, rtol=1e-6)
    # two samples collate into one padded batch, boxes stay a list
    batch = collate([out, pipeline(_item(image_file))], samples_per_gpu=2)
    assert batch['img'].data[0].shape == (2, 3, 64, 96)
    assert len(batch['gt_bboxes'].data[0]) == 2


def test_test_pipeline_with_multi_scale_flip_aug(image_file: Path) -> None:
    pipeline = Compose(
        [
            dict(type='LoadImageFromFile'),
            dict(
                type='MultiScaleFlipAug',
                img_scale=(100, 50),
                flip=False,
                transforms=[
                    dict(type='Resize', keep_ratio=True),
                    dict(type='RandomFlip'),
                    dict(type='Normalize', **IMG_NORM_CFG),
                    dict(type='ImageToTensor', keys=['img']),
                    dict(type='Collect', keys=['img']),
                ],
            ),
        ]
    )
    out = pipeline(_item(image_file))
    assert set(out) == {'img', 'img_metas'}
    assert len(out['img']) == 1
    assert out['img'][0].shape == (3, 50, 67)
    assert out['img'][0].dtype == torch.float32
    meta = out['img_metas'][0].data
    assert set(meta) == set(DEFAULT_META_KEYS)
    assert meta['flip'] is False
    assert meta['flip_direction'] is None


def _support_item(path: Path) -> dict[str, Any]:
    return _item(path, boxes=BOXES[:1], labels=[3])


def test_query_aware_support_pipeline(image_file: Path) -> None:
    pipeline = Compose(
        [
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='CropResizeInstance', num_context_pixels=16, target_size=(320, 320)),
            dict(type='RandomFlip', flip_ratio=0.0),
            dict(type='Normalize', **IMG_NORM_CFG),
            dict(type='DefaultFormatBundle'),
            dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
        ]
    )
    out = pipeline(_support_item(image_file))
    assert out['img'].data.shape == (3, 320, 320)
    # box (10, 5, 30, 25) is 20 x 20: x 0..46, y window int(15 - 23) -> 0 .. int(15 + 23) = 38,
    # pasted int((46 - 38) / 2) = 4 rows down -> box (10, 9, 30, 29) in a 46 px square
    f = 320 / 46
    expected = [[int(10 * f), int(9 * f), int(30 * f), int(29 * f)]]
    np.testing.assert_array_equal(out['gt_bboxes'].data.numpy(), expected)
    assert out['gt_labels'].data.tolist() == [3]


def test_nway_kshot_support_pipeline(image_file: Path) -> None:
    pipeline = Compose(
        [
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='Normalize', **IMG_NORM_CFG),
            dict(type='GenerateMask', target_size=(224, 224)),
            dict(type='RandomFlip', flip_ratio=0.0),
            dict(type='DefaultFormatBundle'),
            dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
        ]
    )
    out = pipeline(_support_item(image_file))
    img = out['img'].data
    assert img.shape == (4, 224, 224)
    # mask of box (10, 5, 30, 25) scaled by (2.8, 3.733): rows 18..93, cols 28..84
    expected_mask = torch.zeros(224, 224)
    expected_mask[18:93, 28:84] = 1
    assert torch.equal(img[3], expected_mask)


def test_two_branch_auxiliary_pipeline(image_file: Path) -> None:
    multi_scales = (32, 64, 128)
    pipeline = Compose(
        [
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='CropInstance', context_ratio=1 / 7.0),
            dict(
                type='ResizeToMultiScale', multi_scales=[(s * 8 / 7.0,) * 2 for s in multi_scales]
            ),
            dict(type='MultiImageRandomCrop', multi_crop_sizes=[(s, s) for s in multi_scales]),
            dict(type='MultiImageNormalize', **IMG_NORM_CFG),
            dict(type='MultiImageRandomFlip', flip_ratio=0.5),
            dict(type='MultiImagePad', size_divisor=32),
            dict(type='MultiImageFormatBundle'),
            dict(type='MultiImageCollect', keys=['img', 'gt_labels']),
        ]
    )
    np.random.seed(0)
    out = pipeline(_item(image_file, boxes=np.array([[20, 10, 55, 45]], np.float32), labels=[1]))
    assert out is not None
    assert set(out) == {
        f'{key}_scale_{i}' for i in range(3) for key in ('img', 'gt_labels', 'img_metas')
    }
    for i, size in enumerate(multi_scales):
        assert out[f'img_scale_{i}'].data.shape == (3, size, size)
        assert out[f'gt_labels_scale_{i}'].data.tolist() == [1]
        assert isinstance(out[f'img_metas_scale_{i}'], DataContainer)
        assert out[f'img_metas_scale_{i}'].data['img_shape'] == (size, size, 3)
