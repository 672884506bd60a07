from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_pad_to_multiple_keeps_pixels_and_boxes(scene: np.ndarray) -> None:
    boxes = np.array([[1, 2, 3, 4]], dtype=np.float32)
    results = {'img': scene.copy(), 'gt_bboxes': boxes.copy(), 'bbox_fields': ['gt_bboxes']}
    out = TRANSFORMS.build(dict(type='Pad', size_divisor=32))(results)
    assert out['img'].shape == (64, 96, 3)
    assert out['pad_shape'] == (64, 96, 3)
    np.testing.assert_array_equal(out['img'][:60, :80], scene)
    assert not out['img'][60:].any()
    assert not out['img'][:, 80:].any()
    np.testing.assert_array_equal(out['gt_bboxes'], boxes)
    assert out['pad_size_divisor'] == 32
    assert out['pad_fixed_size'] is None


def test_pad_fixed_size_square_and_value(scene: np.ndarray) -> None:
    out = TRANSFORMS.build(dict(type='Pad', size=(70, 90), pad_val=dict(img=7)))({'img': scene})
    assert out['img'].shape == (70, 90, 3)
    assert (out['img'][60:] == 7).all()
    out = TRANSFORMS.build(dict(type='Pad', pad_to_square=True, pad_val=3))({'img': scene})
    assert out['img'].shape == (80, 80, 3)
    assert (out['img'][60:] == 3).all()


@pytest.mark.parametrize(
    ('cfg', 'match'),
    [
        (dict(), 'exactly one of size and size_divisor'),
        (dict(size=(1, 1), size_divisor=32), 'exactly one of size and size_divisor'),
        (dict(pad_to_square=True, size_divisor=32), 'takes neither'),
        (dict(size_divisor=0), 'must be a positive int'),
    ],
)
def test_pad_invalid_arguments(cfg: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='Pad', **cfg))


def test_pad_smaller_than_image(scene: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r'Pad size \(10, 10\) is smaller'):
        TRANSFORMS.build(dict(type='Pad', size=(10, 10)))({'img': scene})
