from __future__ import annotations

import math
from typing import Any

import mmcv
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_seeded_crop_matches_the_documented_draws(textured_image: np.ndarray) -> None:
    crop = TRANSFORMS.build(dict(type='RandomResizedCrop', size=84))
    h, w = textured_image.shape[:2]
    for seed in range(5):
        # the documented sampling, re-done here from its description
        np.random.seed(seed)
        while True:
            area = np.random.uniform(0.08, 1.0) * h * w
            aspect = math.exp(np.random.uniform(math.log(3 / 4), math.log(4 / 3)))
            cw, ch = round(math.sqrt(area * aspect)), round(math.sqrt(area / aspect))
            if 0 < cw <= w and 0 < ch <= h:
                top = np.random.randint(0, h - ch + 1)
                left = np.random.randint(0, w - cw + 1)
                break
        expected = mmcv.imresize(textured_image[top : top + ch, left : left + cw], (84, 84))
        np.random.seed(seed)
        out = crop({'img': textured_image.copy()})
        assert out['img'].shape == (84, 84, 3)
        assert out['img_shape'] == (84, 84, 3)
        np.testing.assert_array_equal(out['img'], expected)


def test_crops_respect_scale_and_ratio() -> None:
    crop = TRANSFORMS.build(dict(type='RandomResizedCrop', size=(40, 60), scale=(0.2, 0.5)))
    np.random.seed(0)
    for _ in range(50):
        top, left, ch, cw = crop.get_params(200, 300)
        assert 0.2 * 0.95 <= ch * cw / (200 * 300) <= 0.5 * 1.05
        assert 3 / 4 * 0.95 <= cw / ch <= 4 / 3 * 1.05
        assert 0 <= top <= 200 - ch
        assert 0 <= left <= 300 - cw
    out = crop({'img': np.zeros((200, 300, 3), np.uint8)})
    assert out['img'].shape == (40, 60, 3)


def test_deterministic_for_a_seed_and_varies_across_seeds(textured_image: np.ndarray) -> None:
    crop = TRANSFORMS.build(dict(type='RandomResizedCrop', size=32))
    outputs = []
    for seed in (1, 1, 2):
        np.random.seed(seed)
        outputs.append(crop({'img': textured_image.copy()})['img'])
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert not np.array_equal(outputs[0], outputs[2])


@pytest.mark.parametrize(
    ('hw', 'expected'),
    [
        ((100, 300), (0, 83, 100, 133)),  # too wide: keep h, w = round(100 * 4/3)
        ((300, 100), (83, 0, 133, 100)),  # too tall: keep w, h = round(100 / (3/4))
        ((100, 110), (0, 0, 100, 110)),  # ratio in range: whole image
    ],
)
def test_fallback_is_the_central_crop(
    hw: tuple[int, int], expected: tuple[int, int, int, int]
) -> None:
    crop = TRANSFORMS.build(dict(type='RandomResizedCrop', size=8, max_attempts=0))
    assert crop.get_params(*hw) == expected


def test_efficientnet_style() -> None:
    crop = TRANSFORMS.build(
        dict(type='RandomResizedCrop', size=84, efficientnet_style=True, max_attempts=0)
    )
    # side = 84 / (84 + 32) * 100 = 72.41; offsets round(13.79) = 14, round(63.79) = 64
    assert crop.get_params_efficientnet_style(100, 200) == (14, 64, 72, 72)
    crop = TRANSFORMS.build(dict(type='RandomResizedCrop', size=84, efficientnet_style=True))
    np.random.seed(0)
    for _ in range(20):
        top, left, ch, cw = crop.get_params_efficientnet_style(100, 200)
        assert ch * cw >= 0.1 * 100 * 200 or (ch, cw) == (72, 72)
        assert top + ch <= 100
        assert left + cw <= 200
    assert crop({'img': np.zeros((100, 200, 3), np.uint8)})['img'].shape == (84, 84, 3)


@pytest.mark.parametrize(
    ('cfg', 'match'),
    [
        (dict(size=0), 'size=0 is invalid'),
        (dict(size=(84, 84), efficientnet_style=True), 'must be an int'),
        (dict(size=84, scale=(0.9, 0.1)), 'scale=\\(0.9, 0.1\\)'),
        (dict(size=84, ratio=(0, 1)), 'ratio=\\(0, 1\\)'),
        (dict(size=84, backend='skimage'), "backend='skimage'"),
    ],
)
def test_invalid_arguments(cfg: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='RandomResizedCrop', **cfg))
