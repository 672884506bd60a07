from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS
from mmfewshot.utils import DataContainer


def test_collects_per_scale_keys() -> None:
    results = [
        {'img': np.zeros(i + 1), 'gt_labels': np.array([i]), 'img_shape': (i, i, 3), 'flip': False}
        for i in range(3)
    ]
    out = TRANSFORMS.build(dict(type='MultiImageCollect', keys=['img', 'gt_labels']))(results)
    expected = {f'{k}_scale_{i}' for i in range(3) for k in ('img', 'gt_labels', 'img_metas')}
    assert set(out) == expected
    for i in range(3):
        meta = out[f'img_metas_scale_{i}']
        assert isinstance(meta, DataContainer)
        assert meta.cpu_only
        assert meta.data == {'img_shape': (i, i, 3), 'flip': False}
        assert out[f'gt_labels_scale_{i}'].tolist() == [i]
        assert out[f'img_scale_{i}'].shape == (i + 1,)


def test_missing_keys_raise() -> None:
    collect = TRANSFORMS.build(dict(type='MultiImageCollect', keys=['img', 'gt_bboxes']))
    with pytest.raises(KeyError, match=r"MultiImageCollect keys \['gt_bboxes'\]"):
        collect([{'img': 1}])
