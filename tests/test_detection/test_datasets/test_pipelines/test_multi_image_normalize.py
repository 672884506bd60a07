from __future__ import annotations

import numpy as np

from mmfewshot.registry import TRANSFORMS


def test_normalizes_every_scale(scene: np.ndarray) -> None:
    cfg = dict(mean=[102.9801, 115.9465, 122.7717], std=[1.0, 1.0, 1.0], to_rgb=False)
    results = [{'img': scene.copy()}, {'img': scene[:10, :10].copy()}]
    out = TRANSFORMS.build(dict(type='MultiImageNormalize', **cfg))(results)
    for res, src in zip(out, (scene, scene[:10, :10]), strict=True):
        np.testing.assert_allclose(res['img'], src - np.array(cfg['mean']), rtol=1e-5, atol=1e-4)
        assert res['img_norm_cfg']['to_rgb'] is False
