from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def _results() -> dict[str, Any]:
    return {
        'img_shape': (60, 80, 3),
        'ann_info': {
            'bboxes': np.array([[10, 5, 30, 25], [40, 20, 80, 60]], dtype=np.float32),
            'labels': np.array([0, 2]),
            'bboxes_ignore': np.array([[0, 0, 8, 8]], dtype=np.float32),
            'labels_ignore': np.array([1]),
        },
        'bbox_fields': [],
    }


def test_loads_copies_of_boxes_and_labels() -> None:
    results = _results()
    out = TRANSFORMS.build(dict(type='LoadAnnotations', with_bbox=True))(results)
    np.testing.assert_array_equal(out['gt_bboxes'], [[10, 5, 30, 25], [40, 20, 80, 60]])
    assert out['gt_bboxes'].dtype == np.float32
    np.testing.assert_array_equal(out['gt_bboxes_ignore'], [[0, 0, 8, 8]])
    np.testing.assert_array_equal(out['gt_labels'], [0, 2])
    assert out['gt_labels'].dtype == np.int64
    assert out['bbox_fields'] == ['gt_bboxes_ignore', 'gt_bboxes']
    out['gt_bboxes'][0, 0] = -1  # the dataset's annotation is not touched
    assert results['ann_info']['bboxes'][0, 0] == 10


def test_empty_boxes_and_label_switch() -> None:
    results = {'ann_info': {'bboxes': np.zeros((0,)), 'labels': []}}
    out = TRANSFORMS.build(dict(type='LoadAnnotations', with_label=False))(results)
    assert out['gt_bboxes'].shape == (0, 4)
    assert 'gt_labels' not in out
    assert out['bbox_fields'] == ['gt_bboxes']


def test_denorm_bbox() -> None:
    results = {
        'img_shape': (50, 200, 3),
        'ann_info': {'bboxes': [[0.1, 0.2, 0.5, 1.0]], 'labels': [3]},
    }
    out = TRANSFORMS.build(dict(type='LoadAnnotations', denorm_bbox=True))(results)
    np.testing.assert_allclose(out['gt_bboxes'], [[20, 10, 100, 50]], rtol=1e-6)


def test_errors() -> None:
    with pytest.raises(ValueError, match='masks and semantic maps are not supported'):
        TRANSFORMS.build(dict(type='LoadAnnotations', with_mask=True))
    load = TRANSFORMS.build(dict(type='LoadAnnotations'))
    with pytest.raises(KeyError, match=r"LoadAnnotations needs results\['ann_info'\]"):
        load({'img_info': {}})
    with pytest.raises(ValueError, match=r"ann_info\['bboxes'\] has shape \(2, 3\)"):
        load({'ann_info': {'bboxes': np.zeros((2, 3)), 'labels': [0, 1]}})
