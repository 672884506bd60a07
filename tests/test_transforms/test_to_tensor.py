from __future__ import annotations

import numpy as np
import pytest
import torch

from mmfewshot.registry import TRANSFORMS


def test_to_tensor_converts_labels_and_arrays() -> None:
    boxes = np.array([[1.5, 2, 3, 4]], dtype=np.float32)
    results = {
        'gt_label': np.array(7, dtype=np.int64),  # mmcls datasets store 0-d int64 arrays
        'np_scalar': np.int64(4),
        'py_int': 3,
        'py_float': 0.5,
        'list': [1, 2],
        'boxes': boxes,
    }
    out = TRANSFORMS.build(dict(type='ToTensor', keys=list(results)))(dict(results))
    assert out['gt_label'].shape == ()
    assert out['gt_label'].dtype == torch.int64
    assert out['gt_label'].item() == 7
    assert out['np_scalar'].shape == ()
    assert out['np_scalar'].item() == 4
    assert out['py_int'].dtype == torch.int64
    assert out['py_int'].tolist() == [3]
    assert out['py_float'].dtype == torch.float32
    assert out['py_float'].tolist() == [0.5]
    assert out['list'].tolist() == [1, 2]
    assert out['boxes'].dtype == torch.float32
    np.testing.assert_array_equal(out['boxes'].numpy(), boxes)


def test_to_tensor_keeps_tensors() -> None:
    tensor = torch.ones(2)
    out = TRANSFORMS.build(dict(type='ToTensor', keys=['x']))({'x': tensor})
    assert out['x'] is tensor


def test_to_tensor_errors() -> None:
    to_tensor = TRANSFORMS.build(dict(type='ToTensor', keys=['x']))
    with pytest.raises(TypeError, match='cannot convert a str'):
        to_tensor({'x': 'label'})
    with pytest.raises(KeyError, match=r"ToTensor needs results\['x'\]"):
        to_tensor({'y': 1})
    with pytest.raises(TypeError, match="use \\['x'\\]"):
        TRANSFORMS.build(dict(type='ToTensor', keys='x'))
