"""Glyph rendering from the DejaVu fonts bundled with matplotlib.

Shared by the synthetic benchmarks of both tasks (the classification *Glyphs*
generator and the detection *GlyphScenes* generator). It finds matplotlib's
DejaVu faces, groups the letters they cover by Unicode script and renders one
character as a grayscale *ink* image (0 is background, 255 full ink) with a
random scale, rotation, shift and stroke noise drawn from a caller-supplied
:class:`numpy.random.Generator` or :class:`numpy.random.RandomState`.
Nothing here touches the global NumPy RNG.

Example:
    >>> import numpy as np
    >>> fonts = find_dejavu_fonts()
    >>> by_script = codepoints_by_script(fonts)
    >>> img = render_glyph(by_script['greek'][0], fonts['DejaVuSans'], 32,
    ...                    rng=np.random.default_rng(0))
    >>> img.shape, img.dtype
    ((32, 32), dtype('uint8'))
"""

from __future__ import annotations

import functools
import math
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import cv2
import matplotlib
import numpy as np
from matplotlib import ft2font

RandomSource = np.random.Generator | np.random.RandomState

#: DejaVu faces used for glyphs, in a fixed order (file stem without ``.ttf``).
DEJAVU_FACES: tuple[str, ...] = (
    'DejaVuSans',
    'DejaVuSans-Bold',
    'DejaVuSans-Oblique',
    'DejaVuSans-BoldOblique',
    'DejaVuSerif',
    'DejaVuSerif-Bold',
    'DejaVuSerif-Italic',
    'DejaVuSerif-BoldItalic',
    'DejaVuSansMono',
    'DejaVuSansMono-Bold',
    'DejaVuSansMono-Oblique',
    'DejaVuSansMono-BoldOblique',
)

#: Unicode blocks (inclusive code point ranges) of each supported script.
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    'latin': (
        (0x0041, 0x005A),
        (0x0061, 0x007A),
        (0x00C0, 0x024F),
        (0x0250, 0x02AF),
        (0x1E00, 0x1EFF),
        (0x2C60, 0x2C7F),
        (0xA720, 0xA7FF),
    ),
    'greek': ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    'cyrillic': ((0x0400, 0x052F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    'armenian': ((0x0530, 0x058F), (0xFB13, 0xFB17)),
    'hebrew': ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    'arabic': ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    'nko': ((0x07C0, 0x07FF),),
    'lao': ((0x0E80, 0x0EFF),),
    'georgian': ((0x10A0, 0x10FF), (0x2D00, 0x2D2F)),
    'canadian_syllabics': ((0x1400, 0x167F),),
    'ogham': ((0x1680, 0x169F),),
    'coptic': ((0x2C80, 0x2CFF),),
    'tifinagh': ((0x2D30, 0x2D7F),),
    'lisu': ((0xA4D0, 0xA4FF),),
}

#: Every supported script name, in a fixed order.
SCRIPTS: tuple[str, ...] = tuple(SCRIPT_RANGES)


def dejavu_font_dir() -> Path:
    """Returns matplotlib's bundled TrueType font folder (``mpl-data/fonts/ttf``)."""
    return Path(matplotlib.get_data_path()) / 'fonts' / 'ttf'


def find_dejavu_fonts(faces: Sequence[str] | None = None) -> dict[str, str]:
    """Finds the DejaVu faces that matplotlib ships.

    Args:
        faces: Face names (file stems such as ``'DejaVuSerif-Bold'``) to look
            for; ``None`` means every face of :data:`DEJAVU_FACES`.

    Returns:
        Face name to font file path, for the faces present, in the order asked.

    Raises:
        FileNotFoundError: When none of the requested faces exists.
    """
    font_dir = dejavu_font_dir()
    wanted = DEJAVU_FACES if faces is None else tuple(faces)
    found = {}
    for face in wanted:
        path = font_dir / f'{face}.ttf'
        if path.is_file():
            found[face] = str(path)
    if not found:
        raise FileNotFoundError(
            f'no DejaVu font among {list(wanted)} in {font_dir}; reinstall matplotlib '
            '(`pip install --force-reinstall matplotlib`), which bundles them'
        )
    return found


@functools.lru_cache(maxsize=64)
def _load_font(path: str) -> ft2font.FT2Font:
    return ft2font.FT2Font(path)


@functools.lru_cache(maxsize=64)
def font_codepoints(path: str) -> frozenset[int]:
    """Returns the code points that the font's character map covers.

    Args:
        path: Font file path.
    """
    return frozenset(int(cp) for cp in _load_font(path).get_charmap())


def script_of(codepoint: int) -> str | None:
    """Returns the script (a key of :data:`SCRIPT_RANGES`) of a code point, or ``None``."""
    for script, ranges in SCRIPT_RANGES.items():
        for low, high in ranges:
            if low <= codepoint <= high:
                return script
    return None


def is_letter(codepoint: int) -> bool:
    """Whether the code point is a Unicode letter (general category ``L*``)."""
    return unicodedata.category(chr(codepoint)).startswith('L')


def faces_with_glyph(codepoint: int, fonts: Mapping[str, str]) -> list[str]:
    """Returns the faces (keys of ``fonts``, in their order) whose cmap has the code point."""
    return [face for face, path in fonts.items() if codepoint in font_codepoints(path)]


def codepoints_by_script(
    fonts: Mapping[str, str] | None = None,
    scripts: Iterable[str] | None = None,
    min_faces: int = 1,
    letters_only: bool = True,
) -> dict[str, list[int]]:
    """Groups the code points covered by the fonts by Unicode script.

    Args:
        fonts: Face name to font path (see :func:`find_dejavu_fonts`);
            ``None`` finds every DejaVu face.
        scripts: Scripts to keep; ``None`` keeps every one of :data:`SCRIPTS`.
        min_faces: Keep a code point only when at least this many faces cover it.
        letters_only: Keep only Unicode letters (category ``L*``), dropping
            digits, marks and punctuation.

    Returns:
        Script name to the sorted code points of that script, for every
        requested script (an empty list when the fonts cover none of it).

    Raises:
        KeyError: When a script name is not one of :data:`SCRIPTS`.
        ValueError: When ``min_faces`` is smaller than 1.
    """
    if fonts is None:
        fonts = find_dejavu_fonts()
    wanted = SCRIPTS if scripts is None else tuple(scripts)
    unknown = [s for s in wanted if s not in SCRIPT_RANGES]
    if unknown:
        raise KeyError(f'unknown script(s) {unknown}; use names from {list(SCRIPTS)}')
    if min_faces < 1:
        raise ValueError(f'min_faces={min_faces} must be at least 1')
    counts: dict[int, int] = {}
    for path in fonts.values():
        for cp in font_codepoints(path):
            counts[cp] = counts.get(cp, 0) + 1
    groups: dict[str, list[int]] = {s: [] for s in wanted}
    for cp in sorted(counts):
        if counts[cp] < min_faces or (letters_only and not is_letter(cp)):
            continue
        script = script_of(cp)
        if script in groups:
            groups[script].append(cp)
    return groups


def _as_codepoint(char: str | int) -> int:
    if isinstance(char, str):
        if len(char) != 1:
            raise ValueError(f'expected one character, got {char!r}; pass a 1-char string')
        return ord(char)
    return int(char)


def _draw_tight(path: str, codepoint: int, px: int) -> np.ndarray:
    """Antialiased ink of one glyph at a ``px`` pixel em, cropped to its ink box."""
    font = _load_font(path)
    font.clear()
    font.set_size(px, 72)  # px points at 72 dpi: one point is one pixel
    font.set_text(chr(codepoint), 0.0, flags=ft2font.LoadFlags.NO_HINTING)
    font.draw_glyphs_to_bitmap(antialiased=True)
    img = np.asarray(font.get_image(), dtype=np.uint8)
    rows = np.flatnonzero(img.max(axis=1) > 0)
    cols = np.flatnonzero(img.max(axis=0) > 0)
    if rows.size == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    return np.ascontiguousarray(img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])


@functools.lru_cache(maxsize=8192)
def _tight_bitmap(path: str, codepoint: int, px: int) -> np.ndarray:
    bitmap = _draw_tight(path, codepoint, px)
    bitmap.setflags(write=False)
    return bitmap


@functools.cache
def _ink_pixels(path: str, codepoint: int, px: int) -> int:
    return int(np.count_nonzero(_draw_tight(path, codepoint, px) > 64))


def glyph_bitmap(char: str | int, font_path: str, px: int = 64) -> np.ndarray:
    """Returns the clean antialiased ink of a glyph, cropped to its ink box.

    Args:
        char: The character or its code point.
        font_path: Font file path.
        px: Font size in pixels per em.

    Returns:
        Read-only uint8 array of shape (h, w); shape (0, 0) when the glyph
        draws no ink (a space, say). Cached per (font, code point, px).
    """
    return _tight_bitmap(str(font_path), _as_codepoint(char), int(px))


def renders_ink(char: str | int, font_path: str, px: int = 32, min_ink_pixels: int = 6) -> bool:
    """Whether the face has the glyph and it draws at least ``min_ink_pixels`` inked pixels."""
    cp = _as_codepoint(char)
    if cp not in font_codepoints(str(font_path)):
        return False
    return _ink_pixels(str(font_path), cp, int(px)) >= min_ink_pixels


def _uniform(rng: RandomSource, low: float, high: float) -> float:
    return float(rng.uniform(low, high))


def _smooth_field(rng: RandomSource, size: int, cells: int) -> np.ndarray:
    """A smooth random field in about [-1, 1], shape (size, size), float32."""
    coarse = rng.uniform(-1.0, 1.0, size=(cells, cells)).astype(np.float32)
    return cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)


def render_glyph(
    char: str | int,
    font_path: str,
    size: int = 32,
    rng: RandomSource | None = None,
    scale: tuple[float, float] = (0.7, 0.9),
    rotation: float = 12.0,
    shift: float = 0.06,
    stroke_noise: float = 0.5,
    base_px: int | None = None,
    keep_details: bool = False,
) -> np.ndarray:
    """Renders one character as a square ink image with random distortions.

    The glyph's larger ink side is scaled to ``s * size`` with ``s`` drawn
    from ``scale``, rotated by an angle in ``[-rotation, rotation]`` degrees
    about its centre, and shifted by up to ``shift * size`` pixels on each
    axis (never out of the image). ``stroke_noise`` in ``[0, 1]`` scales three
    stroke perturbations: a smooth elastic wobble, a thicker or thinner
    stroke, and a low-frequency ink-pressure texture. With ``rng=None`` the
    rendering is the clean canonical one: mean scale, centred, no noise.

    Args:
        char: The character or its code point.
        font_path: Font file path (a value of :func:`find_dejavu_fonts`).
        size: Output side in pixels.
        rng: Source of randomness; only its ``uniform`` method is used, so a
            :class:`numpy.random.Generator` and a
            :class:`numpy.random.RandomState` give each their own stream.
        scale: Range of the glyph's larger ink side, as a fraction of ``size``.
        rotation: Largest absolute rotation in degrees.
        shift: Largest absolute shift per axis, as a fraction of ``size``.
        stroke_noise: Strength of the stroke perturbations, 0 (none) to 1.
        base_px: Em size of the cached master rendering; ``None`` picks about
            twice ``size`` (at least 32).
        keep_details: Make the stroke-width noise mostly thicken, and blur
            less, so that small dots and hairlines survive strong noise
            (the Glyphs benchmark uses it; off keeps the original rendering).

    Returns:
        uint8 array of shape (size, size): 0 is background, 255 full ink.

    Raises:
        ValueError: When the arguments are out of range or the glyph draws no
            ink in this face (check with :func:`renders_ink` first).
    """
    cp = _as_codepoint(char)
    if size < 4:
        raise ValueError(f'size={size} is too small; use at least 4 pixels')
    if not 0.0 < scale[0] <= scale[1] <= 1.0:
        raise ValueError(f'scale={scale} must satisfy 0 < low <= high <= 1')
    if not 0.0 <= stroke_noise <= 1.0:
        raise ValueError(f'stroke_noise={stroke_noise} must be within [0, 1]')
    px = base_px if base_px is not None else max(32, 16 * math.ceil(size / 8))
    master = glyph_bitmap(cp, font_path, px)
    if master.size == 0:
        raise ValueError(
            f'U+{cp:04X} draws no ink in {os.path.basename(font_path)}; '
            'pick glyphs with renders_ink() first'
        )
    matrix = _placement(master.shape, size, rng, scale, rotation, shift, stroke_noise)
    h, w = master.shape
    ink = cv2.warpAffine(
        master.astype(np.float32) / 255.0,
        matrix,
        (size, size),
        flags=cv2.INTER_AREA if max(h, w) > size else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0.0,
    )
    if rng is not None and stroke_noise > 0:
        ink = _perturb_strokes(ink, rng, stroke_noise, keep_details)
    return np.clip(np.rint(ink * 255.0), 0, 255).astype(np.uint8)


def _placement(
    shape: tuple[int, ...],
    size: int,
    rng: RandomSource | None,
    scale: tuple[float, float],
    rotation: float,
    shift: float,
    stroke_noise: float,
) -> np.ndarray:
    """Draws scale, angle and shift; returns the (2, 3) master-to-output affine matrix."""
    h, w = shape
    if rng is None:
        s, angle = 0.5 * (scale[0] + scale[1]), 0.0
    else:
        s = _uniform(rng, *scale)
        angle = _uniform(rng, -rotation, rotation) if rotation > 0 else 0.0
    factor = s * size / max(h, w)
    # Shrink so that the rotated ink box, plus room for the stroke noise, fits.
    room = size - 2.0 * (1.0 + 0.05 * size * stroke_noise) if rng is not None else size - 1.0
    rad = math.radians(angle)
    cos, sin = abs(math.cos(rad)), abs(math.sin(rad))
    box_w = factor * (w * cos + h * sin)
    box_h = factor * (w * sin + h * cos)
    fit = min(1.0, room / max(box_w, box_h))
    factor, box_w, box_h = factor * fit, box_w * fit, box_h * fit
    limit_x = max(0.0, min(shift * size, (room - box_w) / 2))
    limit_y = max(0.0, min(shift * size, (room - box_h) / 2))
    dx = _uniform(rng, -limit_x, limit_x) if rng is not None and limit_x > 0 else 0.0
    dy = _uniform(rng, -limit_y, limit_y) if rng is not None and limit_y > 0 else 0.0
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, factor)
    matrix[0, 2] += (size - 1) / 2 + dx - (w - 1) / 2
    matrix[1, 2] += (size - 1) / 2 + dy - (h - 1) / 2
    return matrix


def _perturb_strokes(
    ink: np.ndarray, rng: RandomSource, strength: float, keep_details: bool
) -> np.ndarray:
    """Elastic wobble, stroke width change and ink texture on a float ink image."""
    size = ink.shape[0]
    # Elastic wobble: a smooth displacement of up to ~4% of the side.
    amplitude = 0.04 * size * strength
    grid = np.arange(size, dtype=np.float32)
    map_x = grid[None, :] + amplitude * _smooth_field(rng, size, 4)
    map_y = grid[:, None] + amplitude * _smooth_field(rng, size, 4)
    ink = cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    # Stroke width: blur, then re-threshold around a random level. With
    # keep_details, less blur and levels that lean towards thickening keep the
    # dots and hairlines that thinning would erase.
    if keep_details:
        sigma = 0.3 + 0.015 * size
        level = 0.4 + _uniform(rng, -0.2, 0.1) * strength
    else:
        sigma = 0.5 + 0.02 * size
        level = 0.5 + _uniform(rng, -0.25, 0.25) * strength
    blurred = cv2.GaussianBlur(ink, (0, 0), sigmaX=sigma)
    soft = 0.12
    ink = np.clip((blurred - (level - soft)) / (2 * soft), 0.0, 1.0)
    # Ink pressure: a low-frequency multiplicative texture.
    texture = 1.0 - 0.3 * strength * (0.5 + 0.5 * _smooth_field(rng, size, 3))
    return ink * texture


def ink_bbox(img: np.ndarray, threshold: int = 64) -> tuple[int, int, int, int] | None:
    """Returns the box ``(x1, y1, x2, y2)`` of pixels above ``threshold``, or ``None``.

    The box is in pixel-edge coordinates (``x2``/``y2`` exclusive), the
    x1y1x2y2 convention of detection annotations.

    Args:
        img: Ink image of shape (H, W), as :func:`render_glyph` returns.
        threshold: Ink level (0-255) a pixel must exceed to count.
    """
    mask = np.asarray(img) > threshold
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
