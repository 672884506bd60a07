from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.transforms.utils import (
    clip_bboxes,
    file_backend_args,
    flip_bboxes,
    image_fields,
)


def test_flip_bboxes_handles_groups_of_four_columns() -> None:
    boxes = np.array([[1, 0, 3, 2, 0, 0, 6, 4]], dtype=np.float32)
    flipped = flip_bboxes(boxes, (4, 6, 3), 'horizontal')
    np.testing.assert_array_equal(flipped, [[3, 0, 5, 2, 0, 0, 6, 4]])
    np.testing.assert_array_equal(boxes, [[1, 0, 3, 2, 0, 0, 6, 4]])  # input untouched
    empty = flip_bboxes(np.zeros((0, 4), np.float32), (4, 6), 'vertical')
    assert empty.shape == (0, 4)


def test_flip_bboxes_errors() -> None:
    with pytest.raises(ValueError, match="direction 'up' is unknown"):
        flip_bboxes(np.zeros((1, 4)), (4, 6), 'up')
    with pytest.raises(ValueError, match='4\\*k columns'):
        flip_bboxes(np.zeros((1, 3)), (4, 6), 'horizontal')


def test_clip_bboxes() -> None:
    clipped = clip_bboxes(np.array([[-2.0, -1.0, 9.0, 5.0]]), (4, 6))
    np.testing.assert_array_equal(clipped, [[0, 0, 6, 4]])


def test_small_helpers() -> None:
    assert image_fields({}) == ['img']
    assert image_fields({'img_fields': ['a', 'b']}) == ['a', 'b']
    assert file_backend_args(None) == {'backend': 'local'}
    assert file_backend_args({'backend': 'disk'}) == {'backend': 'local'}
    assert file_backend_args({'backend': 'petrel', 'x': 1}) == {'backend': 'petrel', 'x': 1}
