from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _scales() -> list[dict[str, Any]]:
    out = []
    for size in (24, 48):
        img = np.arange(size * size * 3, dtype=np.int64).reshape(size, size, 3)
        out.append(
            {
                'img': img,
                'gt_bboxes': np.array([[0, 0, size, size]], dtype=np.float32),
                'gt_labels': np.array([4]),
                'bbox_fields': ['gt_bboxes'],
            }
        )
    return out


def test_crop_per_scale_follows_the_numpy_draws() -> None:
    crop = TRANSFORMS.build(
        dict(type='MultiImageRandomCrop', multi_crop_sizes=[(16, 16), (32, 64)])
    )
    np.random.seed(3)
    offsets = [(np.random.randint(0, 9), np.random.randint(0, 9))]
    offsets.append((np.random.randint(0, 17), np.random.randint(0, 1)))  # w capped at 48
    np.random.seed(3)
    source = _scales()
    out = crop(_scales())
    for results, src, (top, left), (h, w) in zip(
        out, source, offsets, [(16, 16), (32, 48)], strict=True
    ):
        np.testing.assert_array_equal(results['img'], src['img'][top : top + h, left : left + w])
        assert results['img_shape'] == (h, w, 3)
        # the box covers the whole scale, so after the crop it covers the whole crop
        np.testing.assert_array_equal(results['gt_bboxes'], [[0, 0, w, h]])
        np.testing.assert_array_equal(results['gt_labels'], [4])


def test_drops_the_sample_when_a_scale_loses_its_boxes() -> None:
    scales = _scales()
    scales[1]['gt_bboxes'] = np.array([[0, 0, 2, 2]], dtype=np.float32)
    crop = TRANSFORMS.build(dict(type='MultiImageRandomCrop', multi_crop_sizes=[(16, 16), (8, 8)]))
    np.random.seed(0)
    assert crop(scales) is None


def test_errors() -> None:
    with pytest.raises(ValueError, match='non-empty list of positive'):
        TRANSFORMS.build(dict(type='MultiImageRandomCrop', multi_crop_sizes=[]))
    crop = TRANSFORMS.build(dict(type='MultiImageRandomCrop', multi_crop_sizes=[(8, 8)] * 3))
    with pytest.raises(ValueError, match='has 3 crop sizes but got 2 scales'):
        crop(_scales())
    with pytest.raises(TypeError, match='put ResizeToMultiScale before it'):
        crop(_scales()[0])
