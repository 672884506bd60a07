from __future__ import annotations

import numpy as np

from mmfewshot.registry import TRANSFORMS


def test_pads_every_scale(scene: np.ndarray) -> None:
    results = [{'img': scene.copy()}, {'img': scene[:20, :33].copy()}]
    out = TRANSFORMS.build(dict(type='MultiImagePad', size_divisor=32))(results)
    assert out[0]['pad_shape'] == (64, 96, 3)
    assert out[1]['pad_shape'] == (32, 64, 3)
    np.testing.assert_array_equal(out[1]['img'][:20, :33], scene[:20, :33])
    assert not out[1]['img'][20:].any()
