from __future__ import annotations

import mmcv
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _jitter(img: np.ndarray, seed: int, **cfg: float) -> np.ndarray:
    args = dict(brightness=0.0, contrast=0.0, saturation=0.0)
    args.update(cfg)
    np.random.seed(seed)
    return TRANSFORMS.build(dict(type='ColorJitter', **args))({'img': img.copy()})['img']


def _fit_gain(source: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Least-squares ``g`` in ``target ~ g * source`` and the worst residual."""
    x, y = source.ravel().astype(np.float64), target.ravel().astype(np.float64)
    gain = float(x @ y / (x @ x))
    return gain, float(np.abs(y - gain * x).max())


def test_zero_jitter_is_identity(textured_image: np.ndarray) -> None:
    for seed in range(5):
        np.testing.assert_array_equal(_jitter(textured_image, seed), textured_image)


def test_brightness_stays_within_bounds(textured_image: np.ndarray) -> None:
    img = (textured_image // 2 + 40).astype(np.uint8)  # values in [40, 167]: no clipping
    gains = []
    for seed in range(20):
        out = _jitter(img, seed, brightness=0.4)
        gain, residual = _fit_gain(img, out)
        assert 0.6 - 1e-3 <= gain <= 1.4 + 1e-3
        assert residual <= 1.0  # one uniform gain up to uint8 rounding
        gains.append(gain)
    assert min(gains) < 1 < max(gains)


def test_saturation_blends_with_grey_within_bounds(textured_image: np.ndarray) -> None:
    img = (textured_image // 2 + 40).astype(np.uint8)
    grey = mmcv.bgr2gray(img).astype(np.float64)[..., None]
    alphas = []
    for seed in range(20):
        out = _jitter(img, seed, saturation=0.4)
        alpha, residual = _fit_gain(img - grey, out - grey)
        assert 0.6 - 1e-2 <= alpha <= 1.4 + 1e-2
        assert residual <= 1.5
        alphas.append(alpha)
    assert min(alphas) < 1 < max(alphas)


def test_contrast_scales_around_the_mean_within_bounds(textured_image: np.ndarray) -> None:
    img = (textured_image // 2 + 40).astype(np.uint8)
    mean = round(float(mmcv.bgr2gray(img).mean()))
    for seed in range(10):
        out = _jitter(img, seed, contrast=0.4)
        gain, residual = _fit_gain(img.astype(np.float64) - mean, out.astype(np.float64) - mean)
        assert 0.6 - 1e-2 <= gain <= 1.4 + 1e-2
        assert residual <= 1.5


def test_seeded_and_deterministic(textured_image: np.ndarray) -> None:
    first = _jitter(textured_image, 7, brightness=0.4, contrast=0.4, saturation=0.4)
    again = _jitter(textured_image, 7, brightness=0.4, contrast=0.4, saturation=0.4)
    other = _jitter(textured_image, 8, brightness=0.4, contrast=0.4, saturation=0.4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.dtype == np.uint8


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match=r'brightness=-0\.1 must be a number >= 0'):
        TRANSFORMS.build(dict(type='ColorJitter', brightness=-0.1, contrast=0, saturation=0))
    with pytest.raises(TypeError):
        TRANSFORMS.build(dict(type='ColorJitter', brightness=0.4))
