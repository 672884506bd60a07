from __future__ import annotations

import mmcv
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _crop(img: np.ndarray, **cfg: object) -> np.ndarray:
    out = TRANSFORMS.build(dict(type='CenterCrop', **cfg))({'img': img})
    assert out['img_shape'] == out['img'].shape
    return out['img']


def test_center_crop_offsets() -> None:
    img = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    np.testing.assert_array_equal(_crop(img, crop_size=2), img[1:3, 2:4])
    big = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    # top = round(1.5) = 2 and left = round(2.0) = 2 (Python rounds halves to even)
    np.testing.assert_array_equal(_crop(big, crop_size=(2, 3)), big[2:4, 2:5])
    square = np.arange(8 * 8, dtype=np.uint8).reshape(8, 8)
    np.testing.assert_array_equal(_crop(square, crop_size=3), square[2:5, 2:5])


def test_center_crop_larger_than_image_keeps_that_side() -> None:
    img = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    np.testing.assert_array_equal(_crop(img, crop_size=5), img[0:4, 0:5])


def test_center_crop_efficientnet_style() -> None:
    img = np.random.RandomState(0).randint(0, 255, (100, 200, 3)).astype(np.uint8)
    # side = 84 / 116 * 100 = 72.41 -> rows 14..86, cols 64..136, then resize to 84
    expected = mmcv.imresize(img[14:86, 64:136], (84, 84))
    np.testing.assert_array_equal(_crop(img, crop_size=84, efficientnet_style=True), expected)


@pytest.mark.parametrize(
    'cfg',
    [dict(crop_size=0), dict(crop_size=(84, 84), efficientnet_style=True), dict(crop_size='a')],
)
def test_center_crop_invalid(cfg: dict[str, object]) -> None:
    with pytest.raises(ValueError, match='CenterCrop crop_size='):
        TRANSFORMS.build(dict(type='CenterCrop', **cfg))
