from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_one_resized_copy_per_scale(scene: np.ndarray) -> None:
    boxes = np.array([[10, 20, 50, 30]], dtype=np.float32)
    results = {'img': scene.copy(), 'gt_bboxes': boxes.copy(), 'bbox_fields': ['gt_bboxes']}
    resize = TRANSFORMS.build(dict(type='ResizeToMultiScale', multi_scales=[(32, 32), (64, 64)]))
    out = resize(results)
    assert isinstance(out, list)
    assert len(out) == 2
    # scale factors min(32/80, 32/60) = 0.4 and 0.8 -> 32 x 24 and 64 x 48
    assert out[0]['img'].shape == (24, 32, 3)
    assert out[1]['img'].shape == (48, 64, 3)
    np.testing.assert_allclose(out[0]['gt_bboxes'], boxes * 0.4, rtol=1e-6)
    np.testing.assert_allclose(out[1]['gt_bboxes'], boxes * 0.8, rtol=1e-6)
    assert out[0]['scale'] == (32, 32)
    np.testing.assert_array_equal(results['img'], scene)  # deep copies
    np.testing.assert_array_equal(results['gt_bboxes'], boxes)


def test_float_scales_of_the_mpsr_config(scene: np.ndarray) -> None:
    scales = [(s * 8 / 7.0, s * 8 / 7.0) for s in (32, 64)]
    out = TRANSFORMS.build(dict(type='ResizeToMultiScale', multi_scales=scales))({'img': scene})
    # 36.57 / 80 = 0.457 -> (int(36.57 + .5), int(27.43 + .5)) = (37, 27)
    assert out[0]['img'].shape == (27, 37, 3)
    assert out[1]['img'].shape == (55, 73, 3)


def test_invalid() -> None:
    with pytest.raises(ValueError, match='non-empty list of \\(long, short\\) pairs'):
        TRANSFORMS.build(dict(type='ResizeToMultiScale', multi_scales=[]))
    with pytest.raises(ValueError, match='not size or img_scale'):
        TRANSFORMS.build(dict(type='ResizeToMultiScale', multi_scales=[(1, 1)], size=3))
