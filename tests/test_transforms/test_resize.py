from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _results(h: int, w: int, bboxes: list[list[float]] | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {'img': np.zeros((h, w, 3), dtype=np.uint8), 'img_fields': ['img']}
    if bboxes is not None:
        results['gt_bboxes'] = np.array(bboxes, dtype=np.float32)
        results['bbox_fields'] = ['gt_bboxes']
    return results


# ----------------------------------------------------------------- mmcls style
def test_mmcls_int_size_is_square() -> None:
    out = TRANSFORMS.build(dict(type='Resize', size=84))(_results(100, 200))
    assert out['img'].shape == (84, 84, 3)
    assert out['img_shape'] == (84, 84, 3)
    assert 'scale_factor' not in out


def test_mmcls_tuple_size_is_h_w() -> None:
    out = TRANSFORMS.build(dict(type='Resize', size=(30, 40)))(_results(100, 200))
    assert out['img'].shape == (30, 40, 3)


@pytest.mark.parametrize(
    ('hw', 'expected'),
    [
        ((100, 200), (96, 192)),  # landscape: h is the short side
        ((200, 100), (192, 96)),  # portrait: w is the short side
        ((150, 97), (148, 96)),  # int(96 * 150 / 97) = int(148.45) = 148
        ((120, 120), (96, 96)),
    ],
)
def test_mmcls_minus_one_keeps_ratio_on_short_side(
    hw: tuple[int, int], expected: tuple[int, int]
) -> None:
    out = TRANSFORMS.build(dict(type='Resize', size=(int(84 * 1.15), -1)))(_results(*hw))
    assert out['img'].shape[:2] == expected


def test_mmcls_short_side_already_at_size_is_untouched() -> None:
    results = _results(96, 130)
    results['img'][:] = np.arange(130, dtype=np.uint8)[None, :, None]
    before = results['img'].copy()
    out = TRANSFORMS.build(dict(type='Resize', size=(96, -1)))(results)
    np.testing.assert_array_equal(out['img'], before)


@pytest.mark.parametrize(
    ('side', 'expected'),
    [('long', (25, 50)), ('height', (50, 100)), ('width', (25, 50)), ('short', (50, 100))],
)
def test_mmcls_adaptive_sides(side: str, expected: tuple[int, int]) -> None:
    out = TRANSFORMS.build(dict(type='Resize', size=(50, -1), adaptive_side=side))(
        _results(100, 200)
    )
    assert out['img'].shape[:2] == expected


def test_mmcls_style_scales_boxes() -> None:
    out = TRANSFORMS.build(dict(type='Resize', size=(50, 100)))(
        _results(100, 200, [[20, 10, 60, 90]])
    )
    np.testing.assert_allclose(out['gt_bboxes'], [[10, 5, 30, 45]])


@pytest.mark.parametrize('size', [0, (0, -1), (10, -2), (10, 0), 'abc', (1, 2, 3)])
def test_mmcls_invalid_size(size: Any) -> None:
    with pytest.raises(ValueError, match='Resize size='):
        TRANSFORMS.build(dict(type='Resize', size=size))


def test_both_styles_rejected() -> None:
    with pytest.raises(ValueError, match='give only one of the two styles'):
        TRANSFORMS.build(dict(type='Resize', size=84, img_scale=(1333, 800)))


# ----------------------------------------------------------------- mmdet style
def test_mmdet_keep_ratio_scales_and_clips_boxes() -> None:
    # scale factor = min(1333 / 200, 800 / 100) = 6.665 -> (int(1333.5), int(667.0)) = 1333 x 667
    results = _results(100, 200, [[10, 10, 50, 60], [150, 80, 210, 120]])
    out = TRANSFORMS.build(dict(type='Resize', img_scale=(1333, 800), keep_ratio=True))(results)
    assert out['img'].shape == (667, 1333, 3)
    assert out['img_shape'] == out['pad_shape'] == (667, 1333, 3)
    w_scale, h_scale = 1333 / 200, 667 / 100
    assert out['scale_factor'].dtype == np.float32
    np.testing.assert_allclose(out['scale_factor'], [w_scale, h_scale, w_scale, h_scale], rtol=1e-6)
    expected = np.array(
        [
            [10 * w_scale, 10 * h_scale, 50 * w_scale, 60 * h_scale],
            [150 * w_scale, 80 * h_scale, 1333, 667],  # x2 = 1399.65, y2 = 800.4: clipped
        ]
    )
    np.testing.assert_allclose(out['gt_bboxes'], expected, rtol=1e-5)
    assert out['scale'] == (1333, 800)
    assert out['scale_idx'] == 0
    assert out['keep_ratio'] is True


def test_mmdet_without_clipping() -> None:
    out = TRANSFORMS.build(
        dict(type='Resize', img_scale=(1333, 800), keep_ratio=True, bbox_clip_border=False)
    )(_results(100, 200, [[150, 80, 210, 120]]))
    np.testing.assert_allclose(out['gt_bboxes'], [[999.75, 533.6, 1399.65, 800.4]], rtol=1e-5)


def test_mmdet_no_keep_ratio_resizes_to_w_h() -> None:
    out = TRANSFORMS.build(dict(type='Resize', img_scale=(300, 50), keep_ratio=False))(
        _results(100, 200, [[20, 20, 40, 40]])
    )
    assert out['img'].shape == (50, 300, 3)
    np.testing.assert_allclose(out['scale_factor'], [1.5, 0.5, 1.5, 0.5])
    np.testing.assert_allclose(out['gt_bboxes'], [[30, 10, 60, 20]])


def test_mmdet_value_mode_picks_with_numpy_rng() -> None:
    scales = [(1333, 480), (1333, 640), (1333, 800)]
    resize = TRANSFORMS.build(
        dict(type='Resize', img_scale=scales, multiscale_mode='value', keep_ratio=True)
    )
    seen = set()
    for seed in range(12):
        np.random.seed(seed)
        expected_idx = np.random.randint(3)
        np.random.seed(seed)
        out = resize(_results(100, 200))
        assert out['scale'] == scales[expected_idx]
        assert out['scale_idx'] == expected_idx
        seen.add(expected_idx)
    assert seen == {0, 1, 2}


def test_mmdet_range_mode_draws_long_and_short_edges() -> None:
    resize = TRANSFORMS.build(
        dict(type='Resize', img_scale=[(1333, 480), (1333, 800)], multiscale_mode='range')
    )
    for seed in range(5):
        np.random.seed(seed)
        expected = (np.random.randint(1333, 1334), np.random.randint(480, 801))
        np.random.seed(seed)
        out = resize(_results(100, 200))
        assert out['scale'] == expected
        assert out['scale_idx'] is None


def test_mmdet_ratio_range() -> None:
    resize = TRANSFORMS.build(dict(type='Resize', img_scale=(1000, 600), ratio_range=(0.5, 1.5)))
    np.random.seed(3)
    ratio = np.random.random_sample() * 1.0 + 0.5
    np.random.seed(3)
    out = resize(_results(60, 100))
    assert out['scale'] == (int(1000 * ratio), int(600 * ratio))


def test_mmdet_scale_from_results() -> None:
    resize = TRANSFORMS.build(dict(type='Resize', keep_ratio=True))
    results = _results(100, 200)
    results['scale'] = (400, 100)
    assert resize(results)['img'].shape == (100, 200, 3)
    results = _results(100, 200)
    results['scale_factor'] = 0.5
    out = resize(results)
    assert out['scale'] == (100, 50)
    assert out['img'].shape == (50, 100, 3)
    np.testing.assert_allclose(out['scale_factor'], [0.5] * 4)


def test_mmdet_scale_errors_and_override() -> None:
    resize = TRANSFORMS.build(dict(type='Resize', keep_ratio=True))
    with pytest.raises(KeyError, match="no img_scale and results has no 'scale'"):
        resize(_results(10, 10))
    results = _results(10, 10)
    results.update(scale=(20, 20), scale_factor=2.0)
    with pytest.raises(ValueError, match="both 'scale' and 'scale_factor'"):
        resize(results)
    override = TRANSFORMS.build(dict(type='Resize', img_scale=(40, 40), override=True))
    results = _results(10, 10)
    results.update(scale=(20, 20))
    assert override(results)['img'].shape == (40, 40, 3)


@pytest.mark.parametrize(
    ('cfg', 'match'),
    [
        (dict(img_scale=[(1, 2), (3, 4)], ratio_range=(0.5, 1.5)), 'exactly one img_scale'),
        (dict(img_scale=(1, 2), ratio_range=(1.5, 0.5)), 'must be \\(min, max\\)'),
        (dict(img_scale=[(1, 2)], multiscale_mode='random'), "multiscale_mode='random'"),
        (dict(img_scale=[1333]), 'is not a \\(long, short\\) pair'),
        (dict(img_scale=(1, 2), backend='skimage'), "backend='skimage'"),
    ],
)
def test_mmdet_invalid_arguments(cfg: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(dict(type='Resize', **cfg))


def test_resize_repr() -> None:
    assert repr(TRANSFORMS.build(dict(type='Resize', size=84))).startswith('Resize(size=(84, 84)')
    assert repr(TRANSFORMS.build(dict(type='Resize', img_scale=(1333, 800)))).startswith(
        'Resize(img_scale=[(1333, 800)]'
    )
