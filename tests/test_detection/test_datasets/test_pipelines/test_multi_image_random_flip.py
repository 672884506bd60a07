from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_flips_every_scale_with_its_own_width(scene: np.ndarray) -> None:
    small = scene[:30, :40].copy()
    results = [
        {
            'img': img.copy(),
            'img_shape': img.shape,
            'gt_bboxes': np.array([[10, 5, 30, 25]], dtype=np.float32),
            'bbox_fields': ['gt_bboxes'],
        }
        for img in (scene, small)
    ]
    out = TRANSFORMS.build(dict(type='MultiImageRandomFlip', flip_ratio=1.0))(results)
    np.testing.assert_array_equal(out[0]['img'], scene[:, ::-1])
    np.testing.assert_array_equal(out[1]['img'], small[:, ::-1])
    np.testing.assert_array_equal(out[0]['gt_bboxes'], [[50, 5, 70, 25]])  # w = 80
    np.testing.assert_array_equal(out[1]['gt_bboxes'], [[10, 5, 30, 25]])  # w = 40
    assert all(r['flip'] for r in out)


def test_rejects_a_single_dict(scene: np.ndarray) -> None:
    with pytest.raises(TypeError, match='MultiImageRandomFlip expects a list'):
        TRANSFORMS.build(dict(type='MultiImageRandomFlip', flip_ratio=0.5))({'img': scene})
