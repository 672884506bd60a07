"""ColorJitter with the mmcls 0.x arguments: random brightness, contrast and saturation."""

from __future__ import annotations

from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import image_fields


def _saturation(img: np.ndarray, factor: float) -> np.ndarray:
    return mmcv.adjust_color(img, alpha=factor, backend='cv2')


def _brightness(img: np.ndarray, factor: float) -> np.ndarray:
    return mmcv.adjust_brightness(img, factor, backend='cv2')


def _contrast(img: np.ndarray, factor: float) -> np.ndarray:
    return mmcv.adjust_contrast(img, factor, backend='cv2')


_OPS = (_brightness, _contrast, _saturation)


@TRANSFORMS.register_module()
class ColorJitter:
    """Randomly changes brightness, contrast and saturation, in random order (mmcls 0.x).

    For each of the three, a magnitude ``m ~ uniform(0, max)`` is drawn and made
    negative with probability 0.5; the image is then blended with black
    (brightness), its mean grey level (contrast) or its grey version (saturation)
    with factor ``1 + m``, i.e. within ``[1 - max, 1 + max]``. The three operations
    are applied in a random order. A maximum of 0 leaves that property unchanged.
    Draws use NumPy's global RNG (magnitudes, then signs, then the order), as mmcls
    did, so worker seeding and :func:`mmfewshot.utils.local_numpy_seed` control them.

    Args:
        brightness: Maximal relative brightness change (>= 0).
        contrast: Maximal relative contrast change (>= 0).
        saturation: Maximal relative saturation change (>= 0).
    """

    def __init__(self, brightness: float, contrast: float, saturation: float) -> None:
        for name, value in (
            ('brightness', brightness),
            ('contrast', contrast),
            ('saturation', saturation),
        ):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f'ColorJitter {name}={value!r} must be a number >= 0')
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation

    def draw_factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Draws the three blend factors and the order in which to apply them.

        Returns:
            Factors ``(brightness, contrast, saturation)``, shape (3,), and a
            permutation of ``[0, 1, 2]``.
        """
        maxima = np.array([self.brightness, self.contrast, self.saturation], dtype=np.float64)
        magnitudes = np.random.uniform(0, 1, size=3) * maxima
        signs = np.where(np.random.rand(3) < 0.5, -1.0, 1.0)
        order = np.random.permutation(3)
        return 1.0 + signs * magnitudes, order

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Jitters every image field of one sample (same factors for all fields)."""
        factors, order = self.draw_factors()
        for key in image_fields(results):
            img = results[key]
            for index in order:
                if factors[index] != 1.0:
                    img = _OPS[index](img, float(factors[index]))
            results[key] = img
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(brightness={self.brightness}, '
            f'contrast={self.contrast}, saturation={self.saturation})'
        )
