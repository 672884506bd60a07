from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS

TRANSFORMS_CFG = [
    dict(type='Resize', keep_ratio=True),
    dict(type='RandomFlip'),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img']),
]


def test_scales_and_flips_become_lists(scene: np.ndarray) -> None:
    aug = TRANSFORMS.build(
        dict(
            type='MultiScaleFlipAug',
            img_scale=[(100, 50), (200, 120)],
            flip=True,
            flip_direction=['horizontal', 'vertical'],
            transforms=TRANSFORMS_CFG,
        )
    )
    results = {'img': scene.copy(), 'img_shape': scene.shape, 'filename': 'a.png'}
    out = aug(results)
    assert set(out) == {'img', 'img_metas'}
    assert len(out['img']) == 6
    metas = [m.data for m in out['img_metas']]
    assert [(m['flip'], m['flip_direction']) for m in metas] == [
        (False, None),
        (True, 'horizontal'),
        (True, 'vertical'),
    ] * 2
    # (100, 50): factor min(100/80, 50/60) -> 67 x 50; (200, 120): min(2.5, 2) = 2 -> 160 x 120
    assert [tuple(t.shape) for t in out['img']] == [(3, 50, 67)] * 3 + [(3, 120, 160)] * 3
    np.testing.assert_array_equal(out['img'][1].numpy(), out['img'][0].numpy()[:, :, ::-1])
    np.testing.assert_array_equal(out['img'][2].numpy(), out['img'][0].numpy()[:, ::-1, :])
    assert 'scale' not in results  # the input dict is not modified


def test_scale_factor_mode(scene: np.ndarray) -> None:
    aug = TRANSFORMS.build(
        dict(type='MultiScaleFlipAug', scale_factor=[0.5, 1.0], transforms=TRANSFORMS_CFG)
    )
    out = aug({'img': scene.copy()})
    assert [tuple(t.shape) for t in out['img']] == [(3, 30, 40), (3, 60, 80)]


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match='exactly one of img_scale and scale_factor'):
        TRANSFORMS.build(dict(type='MultiScaleFlipAug', transforms=[]))
    with pytest.raises(ValueError, match=r"flip_direction='up' is invalid"):
        TRANSFORMS.build(
            dict(type='MultiScaleFlipAug', img_scale=(1, 1), flip_direction='up', transforms=[])
        )
    with pytest.warns(UserWarning, match='without a RandomFlip'):
        TRANSFORMS.build(dict(type='MultiScaleFlipAug', img_scale=(1, 1), flip=True, transforms=[]))
