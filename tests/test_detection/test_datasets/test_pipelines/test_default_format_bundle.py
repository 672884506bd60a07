from __future__ import annotations

import numpy as np
import torch

from mmfewshot.registry import TRANSFORMS
from mmfewshot.utils import DataContainer


def test_format_bundle_wraps_fields(scene: np.ndarray) -> None:
    results = {
        'img': scene.copy(),
        'gt_bboxes': np.array([[1, 2, 3, 4]], dtype=np.float32),
        'gt_labels': np.array([5]),
        'gt_bboxes_ignore': np.zeros((0, 4), dtype=np.float32),
    }
    out = TRANSFORMS.build(dict(type='DefaultFormatBundle'))(results)
    img = out['img']
    assert isinstance(img, DataContainer)
    assert img.stack
    assert not img.cpu_only
    assert img.padding_value == 0
    assert img.data.dtype == torch.float32
    assert img.data.shape == (3, 60, 80)
    np.testing.assert_array_equal(img.data.numpy(), scene.transpose(2, 0, 1).astype(np.float32))
    for key in ('gt_bboxes', 'gt_labels', 'gt_bboxes_ignore'):
        assert isinstance(out[key], DataContainer)
        assert not out[key].stack
    assert out['gt_labels'].data.tolist() == [5]
    assert out['gt_bboxes'].data.tolist() == [[1, 2, 3, 4]]
    assert out['pad_shape'] == (60, 80, 3)
    assert out['scale_factor'] == 1.0
    np.testing.assert_array_equal(out['img_norm_cfg']['std'], np.ones(3))


def test_format_bundle_keeps_existing_meta_and_dtype(scene: np.ndarray) -> None:
    results = {'img': scene.copy(), 'pad_shape': (64, 96, 3), 'scale_factor': 2.0}
    out = TRANSFORMS.build(dict(type='DefaultFormatBundle', img_to_float=False))(results)
    assert out['img'].data.dtype == torch.uint8
    assert out['pad_shape'] == (64, 96, 3)
    assert out['scale_factor'] == 2.0
