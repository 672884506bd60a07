from __future__ import annotations

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.utils import DataContainer


def test_formats_every_scale(scene: np.ndarray) -> None:
    results = [
        {'img': scene.copy(), 'gt_labels': np.array([1])},
        {'img': scene[:8, :8].copy(), 'gt_labels': np.array([1])},
    ]
    out = TRANSFORMS.build(dict(type='MultiImageFormatBundle'))(results)
    assert [r['img'].data.shape for r in out] == [(3, 60, 80), (3, 8, 8)]
    assert all(isinstance(r['gt_labels'], DataContainer) for r in out)
    assert all(r['img'].stack for r in out)
