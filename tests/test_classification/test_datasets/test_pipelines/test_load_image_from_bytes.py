from __future__ import annotations

import os.path as osp
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS


def test_decodes_bytes_and_pops_them(textured_image: np.ndarray) -> None:
    ok, buf = cv2.imencode('.png', textured_image)
    assert ok
    results = {
        'img_prefix': 'data/tiered_imagenet',
        'img_info': {'filename': 'train_image_3'},
        'img_bytes': buf.tobytes(),
    }
    out = TRANSFORMS.build(dict(type='LoadImageFromBytes'))(results)
    np.testing.assert_array_equal(out['img'], textured_image)
    assert 'img_bytes' not in out
    assert out['filename'] == osp.join('data/tiered_imagenet', 'train_image_3')
    assert out['ori_filename'] == 'train_image_3'
    assert out['img_shape'] == (90, 120, 3)


def test_falls_back_to_the_file(tmp_path: Path, textured_image: np.ndarray) -> None:
    # the unzipped tiered-ImageNet layout: PNG bytes under a .byte name
    ok, buf = cv2.imencode('.png', textured_image)
    assert ok
    path = tmp_path / 'train' / 'train_image_0.byte'
    path.parent.mkdir()
    path.write_bytes(buf.tobytes())
    results = {'img_prefix': str(path.parent), 'img_info': {'filename': path.name}}
    out = TRANSFORMS.build(dict(type='LoadImageFromBytes', to_float32=True))(results)
    np.testing.assert_array_equal(out['img'], textured_image.astype(np.float32))


def test_corrupt_bytes_name_the_sample() -> None:
    results = {'img_prefix': None, 'img_info': {'filename': 'val_image_7'}, 'img_bytes': b'xx'}
    with pytest.raises(OSError, match='val_image_7 cannot be decoded'):
        TRANSFORMS.build(dict(type='LoadImageFromBytes'))(results)
