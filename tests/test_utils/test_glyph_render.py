from __future__ import annotations

import os
from typing import Any

import cv2
import numpy as np
import pytest
from fontTools.ttLib import TTFont

from mmfewshot.utils.glyph_render import (
    DEJAVU_FACES,
    SCRIPTS,
    codepoints_by_script,
    faces_with_glyph,
    find_dejavu_fonts,
    glyph_bitmap,
    ink_bbox,
    render_glyph,
    renders_ink,
    script_of,
)


@pytest.fixture(scope='module')
def fonts() -> dict[str, str]:
    return find_dejavu_fonts()


def test_find_dejavu_fonts_lists_existing_faces_in_order(fonts: dict[str, str]) -> None:
    assert list(fonts) == [f for f in DEJAVU_FACES if f in fonts]
    assert {'DejaVuSans', 'DejaVuSerif', 'DejaVuSansMono'} <= set(fonts)
    for face, path in fonts.items():
        assert os.path.basename(path) == f'{face}.ttf'
        assert os.path.isfile(path)
    assert list(find_dejavu_fonts(['DejaVuSerif', 'DejaVuSans'])) == ['DejaVuSerif', 'DejaVuSans']


def test_find_dejavu_fonts_missing_face_names_the_fix() -> None:
    with pytest.raises(FileNotFoundError, match=r'no DejaVu font.*reinstall matplotlib'):
        find_dejavu_fonts(['NotAFace'])


@pytest.mark.parametrize(
    ('char', 'script'),
    [
        ('A', 'latin'),
        ('\u00e9', 'latin'),
        ('\u03a9', 'greek'),
        ('\u0416', 'cyrillic'),
        ('\u05d0', 'hebrew'),
        ('\u0628', 'arabic'),
        ('\u0531', 'armenian'),
        ('\u10d0', 'georgian'),
        ('\u1401', 'canadian_syllabics'),
        ('\u2d30', 'tifinagh'),
        ('\u07ca', 'nko'),
        ('1', None),
        ('\u4e00', None),
    ],
)
def test_script_of(char: str, script: str | None) -> None:
    assert script_of(ord(char)) == script


def test_codepoints_by_script_match_an_independent_cmap_reading(fonts: dict[str, str]) -> None:
    sans = {'DejaVuSans': fonts['DejaVuSans']}
    groups = codepoints_by_script(sans)
    assert list(groups) == list(SCRIPTS)
    cmap = set(TTFont(fonts['DejaVuSans']).getBestCmap())
    for script, cps in groups.items():
        assert cps == sorted(cps)
        for cp in cps:
            assert cp in cmap
            assert script_of(cp) == script
    assert ord('A') in groups['latin']
    assert ord('1') not in groups['latin']  # a digit, not a letter
    assert len(groups['latin']) > 400
    assert len(groups['canadian_syllabics']) > 150
    # Every letter of a script range that the cmap has is listed.
    greek_letters = [
        cp
        for cp in cmap
        if script_of(cp) == 'greek' and chr(cp).isalpha() and chr(cp).isprintable()
    ]
    assert set(greek_letters) <= set(groups['greek'])


def test_codepoints_by_script_min_faces_and_selection(fonts: dict[str, str]) -> None:
    any_face = codepoints_by_script(fonts, scripts=['arabic', 'latin'])
    four = codepoints_by_script(fonts, scripts=['arabic', 'latin'], min_faces=4)
    assert list(any_face) == ['arabic', 'latin']
    assert set(four['arabic']) < set(any_face['arabic'])
    cmaps = {face: set(TTFont(path).getBestCmap()) for face, path in fonts.items()}
    for cp in four['arabic']:
        assert sum(cp in c for c in cmaps.values()) >= 4
    for cp in set(any_face['arabic']) - set(four['arabic']):
        assert sum(cp in c for c in cmaps.values()) < 4


def test_codepoints_by_script_bad_arguments(fonts: dict[str, str]) -> None:
    with pytest.raises(KeyError, match=r"unknown script.*'klingon'.*use names from"):
        codepoints_by_script(fonts, scripts=['klingon'])
    with pytest.raises(ValueError, match='min_faces=0 must be at least 1'):
        codepoints_by_script(fonts, min_faces=0)


def test_faces_with_glyph_agrees_with_fonttools(fonts: dict[str, str]) -> None:
    assert faces_with_glyph(ord('A'), fonts) == list(fonts)
    syllabic = 0x1401
    expected = [f for f, p in fonts.items() if syllabic in TTFont(p).getBestCmap()]
    assert faces_with_glyph(syllabic, fonts) == expected
    assert 'DejaVuSans' in expected
    assert 'DejaVuSerif' not in expected


def test_renders_ink(fonts: dict[str, str]) -> None:
    assert renders_ink('A', fonts['DejaVuSans'])
    assert not renders_ink(' ', fonts['DejaVuSans'])  # in the cmap, but no ink
    assert not renders_ink(0x1401, fonts['DejaVuSerif'])  # not in this face


def test_glyph_bitmap_is_cropped_to_ink(fonts: dict[str, str]) -> None:
    bitmap = glyph_bitmap('H', fonts['DejaVuSans'], 64)
    assert bitmap.dtype == np.uint8
    assert bitmap[0].max() > 0
    assert bitmap[-1].max() > 0
    assert bitmap[:, 0].max() > 0
    assert bitmap[:, -1].max() > 0
    assert bitmap.shape[0] > bitmap.shape[1] * 0.9  # H is about as tall as wide or taller
    assert glyph_bitmap(' ', fonts['DejaVuSans']).shape == (0, 0)


def test_render_glyph_canonical_is_centred_at_mean_scale(fonts: dict[str, str]) -> None:
    img = render_glyph('O', fonts['DejaVuSans'], 32, rng=None, scale=(0.6, 0.8))
    assert img.shape == (32, 32)
    assert img.dtype == np.uint8
    x1, y1, x2, y2 = ink_bbox(img, threshold=0)  # type: ignore[misc]
    # Larger side close to 0.7 * 32 = 22.4 pixels; centred within a pixel.
    assert 21 <= max(x2 - x1, y2 - y1) <= 24
    assert abs((x1 + x2) / 2 - 16) <= 1.0
    assert abs((y1 + y2) / 2 - 16) <= 1.0


def test_render_glyph_without_randomness_in_ranges_equals_canonical(fonts: dict[str, str]) -> None:
    kwargs = dict(scale=(0.8, 0.8), rotation=0.0, shift=0.0, stroke_noise=0.0)
    clean = render_glyph('G', fonts['DejaVuSerif'], 28, None, **kwargs)
    drawn = render_glyph('G', fonts['DejaVuSerif'], 28, np.random.default_rng(5), **kwargs)
    np.testing.assert_array_equal(clean, drawn)


@pytest.mark.parametrize('make_rng', [np.random.default_rng, np.random.RandomState])
def test_render_glyph_is_seeded(fonts: dict[str, str], make_rng: type) -> None:
    path = fonts['DejaVuSans-Bold']
    first = render_glyph('\u0416', path, 32, make_rng(3))
    again = render_glyph('\u0416', path, 32, make_rng(3))
    other = render_glyph('\u0416', path, 32, make_rng(4))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_render_glyph_stays_inside_and_inked(fonts: dict[str, str]) -> None:
    rng = np.random.default_rng(0)
    for char in ['W', '\u0416', '\u1401', '\u0644', 'i']:
        face = faces_with_glyph(ord(char), fonts)[0]
        for _ in range(10):
            img = render_glyph(char, fonts[face], 32, rng, rotation=20.0, shift=0.2)
            assert np.count_nonzero(img > 128) >= 8
            # Nothing is cut off: the border rows and columns stay almost empty.
            border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
            assert border.max() < 128


def test_render_glyph_rejects_bad_input(fonts: dict[str, str]) -> None:
    path = fonts['DejaVuSans']
    with pytest.raises(ValueError, match=r'draws no ink in DejaVuSans\.ttf.*renders_ink'):
        render_glyph(' ', path)
    with pytest.raises(ValueError, match="expected one character, got 'AB'"):
        render_glyph('AB', path)
    with pytest.raises(ValueError, match=r'scale=\(0.9, 0.5\) must satisfy'):
        render_glyph('A', path, scale=(0.9, 0.5))
    with pytest.raises(ValueError, match='stroke_noise=2 must be within'):
        render_glyph('A', path, stroke_noise=2)


def test_ink_bbox_hand_made() -> None:
    img = np.zeros((10, 12), dtype=np.uint8)
    img[2:5, 3:9] = 200
    img[7, 1] = 50  # below the threshold
    assert ink_bbox(img) == (3, 2, 9, 5)
    assert ink_bbox(img, threshold=10) == (1, 2, 9, 8)
    assert ink_bbox(np.zeros((4, 4), np.uint8)) is None


def _pieces(img: np.ndarray) -> int:
    count, _ = cv2.connectedComponents((img > 100).astype(np.uint8))
    return count - 1


def test_keep_details_keeps_dots_under_strong_noise(fonts: dict[str, str]) -> None:
    # 'i' is a stem and a dot: two pieces of ink, unless the noise erases the dot.
    kwargs: dict[str, Any] = dict(scale=(0.6, 0.95), rotation=20.0, shift=0.1)
    path = fonts['DejaVuSerif']
    assert _pieces(render_glyph('i', path, 32, None)) == 2
    kwargs['stroke_noise'] = 1.0
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(1)
    kept = [
        _pieces(render_glyph('i', path, 32, rng_a, keep_details=True, **kwargs)) for _ in range(200)
    ]
    plain = [_pieces(render_glyph('i', path, 32, rng_b, **kwargs)) for _ in range(200)]
    assert sum(k >= 2 for k in kept) >= 190
    assert sum(p >= 2 for p in plain) < sum(k >= 2 for k in kept)
