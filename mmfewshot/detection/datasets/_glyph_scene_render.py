"""Rendering of one GlyphScenes image: a textured background with glyph instances.

Used by :mod:`mmfewshot.detection.datasets.glyph_scenes`. Every random choice
comes from the :class:`numpy.random.Generator` passed in, so a scene is a pure
function of its generator's seed.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from mmfewshot.utils.glyph_render import ink_bbox, render_glyph

#: Ink level (0-255) above which a glyph pixel is drawn; fainter ink is dropped,
#: so the drawn pixels of an instance are exactly those inside its box.
INK_THRESHOLD = 32


@dataclass
class GlyphScene:
    """One rendered scene.

    Attributes:
        img: The image, BGR uint8, shape (H, W, 3).
        background: The image before the glyphs were drawn, shape (H, W, 3).
        boxes: Tight boxes of the drawn glyph pixels, float32, shape (n, 4),
            ``x1, y1, x2, y2`` in pixel-edge coordinates (``x2``/``y2`` exclusive).
        labels: Class index of each instance, int64, shape (n,).
        masks: Drawn pixels of each instance, bool, shape (n, H, W).
    """

    img: np.ndarray
    background: np.ndarray
    boxes: np.ndarray
    labels: np.ndarray
    masks: np.ndarray


def _smooth(rng: np.random.Generator, height: int, width: int, cells: int) -> np.ndarray:
    """A smooth random field in about [0, 1], shape (H, W), float32."""
    coarse = rng.uniform(0.0, 1.0, size=(cells, cells)).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def _random_bgr(rng: np.random.Generator, low: float, high: float) -> np.ndarray:
    """A random colour whose HSV value lies in [low, high] (0-1), BGR float32 in 0-255."""
    h, s, v = rng.uniform(0, 1), rng.uniform(0.1, 0.9), rng.uniform(low, high)
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return np.array([b, g, r], dtype=np.float32) * 255.0


def render_background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A textured background: colour gradient field, stripes, clutter strokes, noise.

    Returns:
        BGR uint8 image, shape (H, W, 3).
    """
    c0, c1 = _random_bgr(rng, 0.1, 0.95), _random_bgr(rng, 0.1, 0.95)
    field = _smooth(rng, height, width, int(rng.integers(2, 6)))[..., None]
    img = c0 * (1.0 - field) + c1 * field
    if rng.uniform() < 0.6:  # stripes at a random angle and period
        angle = rng.uniform(0, math.pi)
        period = rng.uniform(6.0, 30.0)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        phase = (xs * math.cos(angle) + ys * math.sin(angle)) * (2 * math.pi / period)
        img += (rng.uniform(10.0, 40.0) * np.sin(phase))[..., None]
    for _ in range(int(rng.integers(0, 4))):  # clutter strokes
        color = tuple(float(c) for c in _random_bgr(rng, 0.0, 1.0))
        thickness = int(rng.integers(1, 4))
        if rng.uniform() < 0.5:
            p1 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            p2 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            cv2.line(img, p1, p2, color, thickness, cv2.LINE_AA)
        else:
            center = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            radius = int(rng.integers(5, max(6, min(height, width) // 3)))
            cv2.circle(img, center, radius, color, thickness, cv2.LINE_AA)
    img += rng.normal(0.0, rng.uniform(2.0, 8.0), size=img.shape).astype(np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def _overlaps(box: tuple[int, int, int, int], boxes: Sequence[np.ndarray], gap: int) -> bool:
    x1, y1, x2, y2 = box
    for other in boxes:
        ox1, oy1, ox2, oy2 = (int(v) for v in other)
        if x1 < ox2 + gap and ox1 < x2 + gap and y1 < oy2 + gap and oy1 < y2 + gap:
            return True
    return False


def _glyph_color(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """A colour contrasting with the mean brightness of ``region`` (BGR float32)."""
    luma = float(region.reshape(-1, 3).mean(axis=0) @ np.array([0.114, 0.587, 0.299]))
    return _random_bgr(rng, 0.0, 0.3) if luma > 128 else _random_bgr(rng, 0.75, 1.0)


def render_scene(
    rng: np.random.Generator,
    codepoints: Sequence[int],
    fonts: Mapping[int, Sequence[str]],
    size_range: tuple[int, int] = (160, 256),
    glyph_range: tuple[int, int] = (32, 96),
    max_instances: int = 4,
    repeat_class_prob: float = 0.5,
    max_tries: int = 30,
) -> GlyphScene:
    """Renders one scene with 1 to ``max_instances`` non-overlapping glyphs.

    Args:
        rng: Source of every random choice.
        codepoints: Code point of each class (class index = position).
        fonts: Code point to the font paths that draw it.
        size_range: Inclusive range of the image width and height (drawn apart).
        glyph_range: Inclusive range of a glyph's square canvas side.
        max_instances: Most instances per image (at least one is drawn).
        repeat_class_prob: Chance that an extra instance repeats a class of the image.
        max_tries: Placement attempts per instance before it is dropped.
    """
    width = int(rng.integers(size_range[0], size_range[1] + 1))
    height = int(rng.integers(size_range[0], size_range[1] + 1))
    background = render_background(rng, height, width)
    img = background.astype(np.float32)
    wanted = int(rng.integers(1, max_instances + 1))
    boxes: list[np.ndarray] = []
    labels: list[int] = []
    masks: list[np.ndarray] = []
    for _ in range(wanted):
        if labels and rng.uniform() < repeat_class_prob:
            label = int(rng.choice(labels))
        else:
            label = int(rng.integers(0, len(codepoints)))
        cp = codepoints[label]
        paths = fonts[cp]
        font = paths[int(rng.integers(0, len(paths)))]
        side = int(rng.integers(glyph_range[0], min(glyph_range[1], width, height) + 1))
        ink = render_glyph(cp, font, side, rng=rng, scale=(0.75, 0.95), rotation=15.0)
        ink[ink <= INK_THRESHOLD] = 0
        local = ink_bbox(ink, threshold=INK_THRESHOLD)
        if local is None:
            continue
        bx1, by1, bx2, by2 = local
        for _try in range(max_tries):
            ox = int(rng.integers(-bx1, width - bx2 + 1))
            oy = int(rng.integers(-by1, height - by2 + 1))
            box = (ox + bx1, oy + by1, ox + bx2, oy + by2)
            if not _overlaps(box, boxes, gap=2):
                break
        else:
            continue
        x1, y1, x2, y2 = box
        patch = ink[by1:by2, bx1:bx2]
        alpha = (patch.astype(np.float32) / 255.0)[..., None]
        color = _glyph_color(rng, img[y1:y2, x1:x2])
        img[y1:y2, x1:x2] = img[y1:y2, x1:x2] * (1.0 - alpha) + color * alpha
        mask = np.zeros((height, width), dtype=bool)
        mask[y1:y2, x1:x2] = patch > 0
        boxes.append(np.array(box, dtype=np.float32))
        labels.append(label)
        masks.append(mask)
    return GlyphScene(
        img=np.clip(np.rint(img), 0, 255).astype(np.uint8),
        background=background,
        boxes=np.stack(boxes) if boxes else np.zeros((0, 4), np.float32),
        labels=np.array(labels, dtype=np.int64),
        masks=np.stack(masks) if masks else np.zeros((0, height, width), bool),
    )
