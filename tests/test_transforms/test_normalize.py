from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


@pytest.mark.parametrize('to_rgb', [True, False])
def test_normalize_matches_numpy(to_rgb: bool) -> None:
    img = np.random.RandomState(0).randint(0, 256, (5, 7, 3)).astype(np.uint8)
    out = TRANSFORMS.build(dict(type='Normalize', mean=MEAN, std=STD, to_rgb=to_rgb))(
        {'img': img.copy()}
    )
    source = img[..., ::-1] if to_rgb else img
    expected = (source.astype(np.float64) - np.array(MEAN)) / np.array(STD)
    assert out['img'].dtype == np.float32
    np.testing.assert_allclose(out['img'], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out['img_norm_cfg']['mean'], MEAN, rtol=1e-6)
    np.testing.assert_allclose(out['img_norm_cfg']['std'], STD, rtol=1e-6)
    assert out['img_norm_cfg']['to_rgb'] is to_rgb


def test_normalize_every_image_field() -> None:
    img = np.full((2, 2, 3), 10, dtype=np.uint8)
    out = TRANSFORMS.build(dict(type='Normalize', mean=[1, 2, 3], std=[1, 2, 3], to_rgb=False))(
        {'img': img.copy(), 'ref': img.copy(), 'img_fields': ['img', 'ref']}
    )
    expected = np.array([9.0, 4.0, 7.0 / 3.0])
    np.testing.assert_allclose(out['ref'][0, 0], expected, rtol=1e-6)
    np.testing.assert_allclose(out['img'][1, 1], expected, rtol=1e-6)


def test_normalize_errors() -> None:
    with pytest.raises(ValueError, match='same length'):
        TRANSFORMS.build(dict(type='Normalize', mean=[1, 2, 3], std=[1, 2]))
    with pytest.raises(ValueError, match='contains 0'):
        TRANSFORMS.build(dict(type='Normalize', mean=[1, 2, 3], std=[1, 0, 1]))
    norm = TRANSFORMS.build(dict(type='Normalize', mean=[1, 2, 3], std=[1, 1, 1]))
    with pytest.raises(ValueError, match='has 4 channels'):
        norm({'img': np.zeros((2, 2, 4), dtype=np.float32)})
