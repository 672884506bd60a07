from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _results(scene: np.ndarray) -> dict[str, Any]:
    return {
        'img': scene.copy(),
        'img_fields': ['img'],
        'img_shape': scene.shape,
        'gt_bboxes': np.array([[10, 5, 30, 25], [40, 20, 80, 60]], dtype=np.float32),
        'gt_labels': np.array([0, 2]),
        'gt_bboxes_ignore': np.array([[0, 0, 8, 8]], dtype=np.float32),
        'bbox_fields': ['gt_bboxes', 'gt_bboxes_ignore'],
    }


def test_crop_shifts_clips_and_filters_boxes(scene: np.ndarray) -> None:
    crop = TRANSFORMS.build(dict(type='RandomCrop', crop_size=(30, 40)))
    for seed in range(6):
        np.random.seed(seed)
        top, left = np.random.randint(0, 31), np.random.randint(0, 41)
        np.random.seed(seed)
        out = crop(_results(scene))
        boxes = np.array([[10, 5, 30, 25], [40, 20, 80, 60]], dtype=np.float32)
        boxes -= [left, top, left, top]
        boxes[:, 0::2] = boxes[:, 0::2].clip(0, 40)
        boxes[:, 1::2] = boxes[:, 1::2].clip(0, 30)
        keep = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
        if not keep.any():
            assert out is None
            continue
        np.testing.assert_array_equal(out['img'], scene[top : top + 30, left : left + 40])
        assert out['img_shape'] == (30, 40, 3)
        np.testing.assert_array_equal(out['gt_bboxes'], boxes[keep])
        np.testing.assert_array_equal(out['gt_labels'], np.array([0, 2])[keep])


def test_crop_drops_the_sample_without_boxes_unless_allowed(scene: np.ndarray) -> None:
    results = _results(scene)
    results['gt_bboxes'] = np.array([[70, 50, 80, 60]], dtype=np.float32)
    results['gt_labels'] = np.array([1])
    crop = TRANSFORMS.build(dict(type='RandomCrop', crop_size=(10, 10)))
    np.random.seed(0)  # offsets (44, 47): the box lies outside
    before = results['img'].copy()
    assert crop(results) is None
    np.testing.assert_array_equal(results['img'], before)  # untouched when dropped
    allowed = TRANSFORMS.build(
        dict(type='RandomCrop', crop_size=(10, 10), allow_negative_crop=True)
    )
    np.random.seed(0)
    out = allowed(results)
    assert out['gt_bboxes'].shape == (0, 4)
    assert out['gt_labels'].shape == (0,)


def test_crop_sizes_by_type() -> None:
    np.random.seed(0)
    assert TRANSFORMS.build(dict(type='RandomCrop', crop_size=(100, 30))).get_crop_size(
        (60, 80)
    ) == (60, 30)
    relative = TRANSFORMS.build(
        dict(type='RandomCrop', crop_size=(0.5, 0.25), crop_type='relative')
    )
    assert relative.get_crop_size((60, 80)) == (30, 20)
    ranged = TRANSFORMS.build(
        dict(type='RandomCrop', crop_size=(10, 20), crop_type='absolute_range')
    )
    for _ in range(20):
        h, w = ranged.get_crop_size((60, 80))
        assert 10 <= h <= 20
        assert 10 <= w <= 20
    rel_range = TRANSFORMS.build(
        dict(type='RandomCrop', crop_size=(0.5, 0.5), crop_type='relative_range')
    )
    for _ in range(20):
        h, w = rel_range.get_crop_size((60, 80))
        assert 30 <= h <= 60
        assert 40 <= w <= 80


@pytest.mark.parametrize(
    ('cfg', 'match'),
    [
        (dict(crop_size=(10, 10), crop_type='random'), "crop_type='random'"),
        (dict(crop_size=(0, 10)), 'must be positive'),
        (dict(crop_size=(20, 10), crop_type='absolute_range'), 'must be \\(min, max\\)'),
        (dict(crop_size=(1.5, 0.5), crop_type='relative'), 'must be in \\(0, 1\\]'),
        (dict(crop_size=(10, 10), recompute_bbox=True), 'needs instance masks'),
    ],
)
def test_invalid_arguments(cfg: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='RandomCrop', **cfg))
