from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS
from mmfewshot.utils import DataContainer


def _classification_results() -> dict[str, Any]:
    return {
        'img': np.zeros((2, 2, 3)),
        'gt_label': np.array(1),
        'filename': 'a/b.png',
        'ori_filename': 'b.png',
        'ori_shape': (4, 4, 3),
        'img_shape': (2, 2, 3),
        'flip': False,
        'flip_direction': 'horizontal',
        'img_norm_cfg': {'to_rgb': True},
        'img_prefix': 'a',
        'img_info': {'filename': 'b.png'},
    }


def test_collect_default_meta_keys_are_those_present() -> None:
    out = TRANSFORMS.build(dict(type='Collect', keys=['img', 'gt_label']))(
        _classification_results()
    )
    assert set(out) == {'img_metas', 'img', 'gt_label'}
    assert isinstance(out['img_metas'], DataContainer)
    assert out['img_metas'].cpu_only is True
    meta = out['img_metas'].data
    # pad_shape and scale_factor (mmdet-only) are absent here, so they are skipped
    assert list(meta) == [
        'filename',
        'ori_filename',
        'ori_shape',
        'img_shape',
        'flip',
        'flip_direction',
        'img_norm_cfg',
    ]
    assert meta['filename'] == 'a/b.png'
    assert out['gt_label'] == 1


def test_collect_explicit_meta_keys() -> None:
    out = TRANSFORMS.build(
        dict(type='Collect', keys=['img'], meta_keys=['filename', 'img_prefix'])
    )(_classification_results())
    assert out['img_metas'].data == {'filename': 'a/b.png', 'img_prefix': 'a'}


def test_collect_missing_keys_raise_clearly() -> None:
    collect = TRANSFORMS.build(dict(type='Collect', keys=['img'], meta_keys=['pad_shape']))
    with pytest.raises(KeyError, match=r"Collect meta_keys \['pad_shape'\] are not in the results"):
        collect(_classification_results())
    collect = TRANSFORMS.build(dict(type='Collect', keys=['img', 'gt_bboxes']))
    with pytest.raises(KeyError, match=r"Collect keys \['gt_bboxes'\] are not in the results"):
        collect(_classification_results())
    with pytest.raises(TypeError, match='must be a list'):
        TRANSFORMS.build(dict(type='Collect', keys='img'))
