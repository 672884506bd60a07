from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _crop(scene: np.ndarray, box: list[float], ratio: float) -> dict:
    results = {'img': scene.copy(), 'gt_bboxes': np.array([box], dtype=np.float32)}
    return TRANSFORMS.build(dict(type='CropInstance', context_ratio=ratio))(results)


def test_crop_with_context_above_the_image(scene: np.ndarray) -> None:
    # side int(40 * 1.5) = 60; square top-left (0, -5): rows 0..55 land 5 rows down
    out = _crop(scene, [10, 20, 50, 30], 0.5)
    expected = np.zeros((60, 60, 3), np.uint8)
    expected[5:60, 0:60] = scene[0:55, 0:60]
    np.testing.assert_array_equal(out['img'], expected)
    assert out['img_shape'] == (60, 60, 3)
    np.testing.assert_array_equal(out['gt_bboxes'], [[10, 25, 50, 35]])


def test_crop_inside_and_past_the_right_border(scene: np.ndarray) -> None:
    out = _crop(scene, [60, 40, 78, 58], 0)
    np.testing.assert_array_equal(out['img'], scene[40:58, 60:78])
    np.testing.assert_array_equal(out['gt_bboxes'], [[0, 0, 18, 18]])
    out = _crop(scene, [70, 10, 80, 20], 1.0)  # side 20 at (65, 5): 5 columns past the border
    expected = np.zeros((20, 20, 3), np.uint8)
    expected[:, :15] = scene[5:25, 65:80]
    np.testing.assert_array_equal(out['img'], expected)
    np.testing.assert_array_equal(out['gt_bboxes'], [[5, 5, 15, 15]])


def test_mpsr_ratio_and_errors(scene: np.ndarray) -> None:
    out = _crop(scene, [14, 7, 49, 42], 1 / 7.0)  # 35 x 35 box -> side int(40.0) = 40
    assert out['img'].shape == (40, 40, 3)
    with pytest.raises(ValueError, match='context_ratio=-1'):
        TRANSFORMS.build(dict(type='CropInstance', context_ratio=-1))
    with pytest.raises(ValueError, match='exactly one gt box'):
        TRANSFORMS.build(dict(type='CropInstance'))(
            {'img': scene, 'gt_bboxes': np.zeros((3, 4), np.float32)}
        )
