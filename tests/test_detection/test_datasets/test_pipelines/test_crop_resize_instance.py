from __future__ import annotations

import cv2
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _run(scene: np.ndarray, box: list[float]) -> dict:
    results = {'img': scene.copy(), 'gt_bboxes': np.array([box], dtype=np.float32)}
    return TRANSFORMS.build(dict(type='CropResizeInstance', num_context_pixels=16))(results)


def _rescaled(square: np.ndarray) -> np.ndarray:
    return cv2.resize(square.astype(np.float32), (320, 320)).astype(np.uint8)


def test_wide_box(scene: np.ndarray) -> None:
    # box 40 x 10: x range 10-16 -> 0 (clipped) .. 50+16 = 66, so the square side is 66;
    # y window int(25 - 33) = -8 -> 0 .. int(25 + 33) = 58, pasted 4 rows down (66 - 58) / 2
    out = _run(scene, [10, 20, 50, 30])
    square = np.zeros((66, 66, 3), np.uint8)
    square[4:62] = scene[0:58, 0:66]
    np.testing.assert_array_equal(out['img'], _rescaled(square))
    assert out['img_shape'] == (320, 320, 3)
    f = 320 / 66  # box in the square: (10, 24, 50, 34), truncated after scaling
    expected = [int(10 * f), int(24 * f), int(50 * f), int(34 * f)]
    assert expected == [48, 116, 242, 164]
    np.testing.assert_array_equal(out['gt_bboxes'], [expected])
    assert out['gt_bboxes'].dtype == np.float32


def test_tall_box(scene: np.ndarray) -> None:
    # box 10 x 50: y range 5-16 -> 0 .. min(55+16, 60) = 60, side 60; x window 5 .. 65
    out = _run(scene, [30, 5, 40, 55])
    np.testing.assert_array_equal(out['img'], _rescaled(scene[0:60, 5:65]))
    f = 320 / 60  # box in the square: (25, 5, 35, 55)
    np.testing.assert_array_equal(
        out['gt_bboxes'], [[int(25 * f), int(5 * f), int(35 * f), int(55 * f)]]
    )


def test_errors(scene: np.ndarray) -> None:
    with pytest.raises(ValueError, match='needs exactly one gt box per image, got 2'):
        TRANSFORMS.build(dict(type='CropResizeInstance'))(
            {'img': scene, 'gt_bboxes': np.zeros((2, 4), np.float32)}
        )
    with pytest.raises(ValueError, match='num_context_pixels=-1'):
        TRANSFORMS.build(dict(type='CropResizeInstance', num_context_pixels=-1))
    with pytest.raises(ValueError, match='target_size='):
        TRANSFORMS.build(dict(type='CropResizeInstance', target_size=(0, 320)))
