from __future__ import annotations

import cv2
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_resizes_and_appends_the_box_mask(scene: np.ndarray) -> None:
    results = {
        'img': scene.astype(np.float32),
        'gt_bboxes': np.array([[10, 20, 50, 30]], dtype=np.float32),
        'bbox_fields': ['gt_bboxes'],
    }
    out = TRANSFORMS.build(dict(type='GenerateMask', target_size=(224, 224)))(results)
    assert out['img'].shape == (224, 224, 4)
    assert out['img_shape'] == (224, 224, 4)
    assert out['pad_shape'] == (224, 224, 3)
    w_scale, h_scale = 224 / 80, 224 / 60
    np.testing.assert_allclose(out['scale_factor'], [w_scale, h_scale] * 2, rtol=1e-6)
    box = [10 * w_scale, 20 * h_scale, 50 * w_scale, 30 * h_scale]  # 28, 74.67, 140, 112
    np.testing.assert_allclose(out['gt_bboxes'], [box], rtol=1e-5)
    expected_mask = np.zeros((224, 224), np.float32)
    expected_mask[74:112, 28:140] = 1
    np.testing.assert_array_equal(out['img'][..., 3], expected_mask)
    np.testing.assert_allclose(
        out['img'][..., :3], cv2.resize(scene.astype(np.float32), (224, 224)), rtol=1e-5
    )


def test_non_square_target_is_w_h(scene: np.ndarray) -> None:
    results = {'img': scene.copy(), 'gt_bboxes': np.array([[0, 0, 40, 30]], np.float32)}
    results['bbox_fields'] = ['gt_bboxes']
    out = TRANSFORMS.build(dict(type='GenerateMask', target_size=(100, 50)))(results)
    assert out['img'].shape == (50, 100, 4)
    assert out['img'].dtype == np.float32
    assert out['img'][..., 3].sum() == 50 * 25  # box (0, 0, 50, 25) after scaling


def test_errors(scene: np.ndarray) -> None:
    with pytest.raises(ValueError, match='has none'):
        TRANSFORMS.build(dict(type='GenerateMask'))(
            {'img': scene, 'gt_bboxes': np.zeros((0, 4), np.float32)}
        )
    with pytest.raises(ValueError, match='target_size=\\(224,\\)'):
        TRANSFORMS.build(dict(type='GenerateMask', target_size=(224,)))
