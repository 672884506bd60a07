import numpy as np
import pytest

from mmfewshot.detection.core import bbox_overlaps


def test_bbox_overlaps_iou_and_iof_by_hand():
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[5, 0, 15, 10], [20, 20, 30, 30]], np.float32)
    # intersection 5x10=50, union 100+100-50=150
    np.testing.assert_allclose(bbox_overlaps(a, b), [[50 / 150, 0]], rtol=1e-6)
    np.testing.assert_allclose(bbox_overlaps(a, b, mode='iof'), [[50 / 100, 0]], rtol=1e-6)


def test_bbox_overlaps_legacy_coordinates_count_pixels():
    a = np.array([[0, 0, 9, 9]], np.float32)  # 10x10 pixels
    b = np.array([[5, 0, 14, 9, 0.3]], np.float32)  # score column ignored
    # legacy: intersection 5x10=50 of two 100-pixel boxes
    np.testing.assert_allclose(
        bbox_overlaps(a, b, use_legacy_coordinate=True), [[50 / 150]], rtol=1e-6
    )


def test_bbox_overlaps_empty_and_bad_mode():
    assert bbox_overlaps(np.zeros((0, 4)), np.zeros((3, 4))).shape == (0, 3)
    with pytest.raises(ValueError, match="mode='giou' is not supported"):
        bbox_overlaps(np.zeros((1, 4)), np.zeros((1, 4)), mode='giou')
