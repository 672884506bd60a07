from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from mmfewshot.registry import TRANSFORMS


def _results(img: np.ndarray) -> dict[str, Any]:
    return {
        'img': img.copy(),
        'img_fields': ['img'],
        'img_shape': img.shape,
        # a box in a 4 (h) x 6 (w) image, plus an ignored one in a second box field
        'gt_bboxes': np.array([[1, 0, 3, 2]], dtype=np.float32),
        'gt_bboxes_ignore': np.array([[0, 1, 6, 4]], dtype=np.float32),
        'bbox_fields': ['gt_bboxes', 'gt_bboxes_ignore'],
    }


@pytest.mark.parametrize(
    ('direction', 'rows', 'cols', 'box', 'ignore'),
    [
        ('horizontal', slice(None), slice(None, None, -1), [3, 0, 5, 2], [0, 1, 6, 4]),
        ('vertical', slice(None, None, -1), slice(None), [1, 2, 3, 4], [0, 0, 6, 3]),
        ('diagonal', slice(None, None, -1), slice(None, None, -1), [3, 2, 5, 4], [0, 0, 6, 3]),
    ],
)
def test_flip_image_and_every_box_field(
    image_4x6: np.ndarray,
    direction: str,
    rows: slice,
    cols: slice,
    box: list[float],
    ignore: list[float],
) -> None:
    flip = TRANSFORMS.build(dict(type='RandomFlip', flip_ratio=1.0, direction=direction))
    out = flip(_results(image_4x6))
    expected = np.ascontiguousarray(image_4x6[rows, cols])
    np.testing.assert_array_equal(out['img'], expected)
    assert out['img'].flags['C_CONTIGUOUS']
    torch.from_numpy(out['img'])  # no negative strides
    np.testing.assert_array_equal(out['gt_bboxes'], [box])
    np.testing.assert_array_equal(out['gt_bboxes_ignore'], [ignore])
    assert out['flip'] is True
    assert out['flip_direction'] == direction


def test_mmcls_flip_prob_matches_numpy_draw(image_4x6: np.ndarray) -> None:
    flip = TRANSFORMS.build(dict(type='RandomFlip', flip_prob=0.5, direction='horizontal'))
    flips = []
    for seed in range(40):
        np.random.seed(seed)
        expected = np.random.rand() < 0.5
        np.random.seed(seed)
        out = flip(_results(image_4x6))
        assert out['flip'] == expected
        assert out['flip_direction'] == 'horizontal'  # mmcls records it even without flipping
        reference = image_4x6[:, ::-1] if expected else image_4x6
        np.testing.assert_array_equal(out['img'], reference)
        flips.append(out['flip'])
    assert 0 < sum(flips) < len(flips)


def test_zero_probability_and_no_argument_never_flip(image_4x6: np.ndarray) -> None:
    for cfg in (dict(flip_ratio=0.0), dict(flip_prob=0.0), dict()):
        out = TRANSFORMS.build(dict(type='RandomFlip', **cfg))(_results(image_4x6))
        assert out['flip'] is False
        np.testing.assert_array_equal(out['img'], image_4x6)
    out = TRANSFORMS.build(dict(type='RandomFlip', flip_ratio=0.0))(_results(image_4x6))
    assert out['flip_direction'] is None  # mmdet records None when not flipping


def test_preset_flip_is_respected(image_4x6: np.ndarray) -> None:
    flip = TRANSFORMS.build(dict(type='RandomFlip'))
    results = _results(image_4x6)
    results.update(flip=True, flip_direction='vertical')
    np.testing.assert_array_equal(flip(results)['img'], image_4x6[::-1])
    results = _results(image_4x6)
    results.update(flip=False, flip_direction=None)
    np.testing.assert_array_equal(
        TRANSFORMS.build(dict(type='RandomFlip', flip_ratio=1.0))(results)['img'], image_4x6
    )


def test_list_of_directions_and_probabilities(image_4x6: np.ndarray) -> None:
    flip = TRANSFORMS.build(
        dict(type='RandomFlip', flip_ratio=[0.3, 0.7], direction=['horizontal', 'vertical'])
    )
    directions = set()
    for seed in range(30):
        np.random.seed(seed)
        out = flip(_results(image_4x6))
        assert out['flip'] is True  # probabilities sum to 1
        directions.add(out['flip_direction'])
    assert directions == {'horizontal', 'vertical'}


def test_single_probability_split_over_directions(image_4x6: np.ndarray) -> None:
    flip = TRANSFORMS.build(
        dict(type='RandomFlip', flip_ratio=0.5, direction=['horizontal', 'diagonal'])
    )
    outcomes = set()
    for seed in range(60):
        np.random.seed(seed)
        outcomes.add(flip(_results(image_4x6))['flip_direction'])
    assert outcomes == {'horizontal', 'diagonal', None}


@pytest.mark.parametrize(
    ('cfg', 'match'),
    [
        (dict(flip_prob=0.5, flip_ratio=0.5), 'give only one'),
        (dict(flip_ratio=0.5, direction='sideways'), "direction='sideways' is invalid"),
        (dict(flip_ratio=1.5), 'must be in \\[0, 1\\]'),
        (dict(flip_ratio=[0.5], direction=['horizontal', 'vertical']), 'one probability per'),
        (dict(flip_ratio=[0.7, 0.7], direction=['horizontal', 'vertical']), 'sum to <= 1'),
    ],
)
def test_invalid_arguments(cfg: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='RandomFlip', **cfg))


def test_repr() -> None:
    assert repr(TRANSFORMS.build(dict(type='RandomFlip', flip_prob=0.5))) == (
        "RandomFlip(flip_prob=0.5, direction='horizontal')"
    )
    assert repr(TRANSFORMS.build(dict(type='RandomFlip', flip_ratio=0.5))) == (
        "RandomFlip(flip_ratio=0.5, direction='horizontal')"
    )


def test_box_flip_falls_back_to_the_image_width(image_4x6: np.ndarray) -> None:
    results = _results(image_4x6)
    del results['img_shape']
    out = TRANSFORMS.build(dict(type='RandomFlip', flip_ratio=1.0))(results)
    np.testing.assert_array_equal(out['gt_bboxes'], [[3, 0, 5, 2]])
