from __future__ import annotations

import os.path as osp
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.registry import TRANSFORMS

WriteImage = Callable[[str, np.ndarray], Path]


def test_load_joins_prefix_and_sets_meta(write_image: WriteImage, image_4x6: np.ndarray) -> None:
    path = write_image('cls_a/img.png', image_4x6)
    prefix = str(path.parent.parent)
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    results = loader({'img_prefix': prefix, 'img_info': {'filename': 'cls_a/img.png'}})
    np.testing.assert_array_equal(results['img'], image_4x6)
    assert results['img'].dtype == np.uint8
    assert results['filename'] == osp.join(prefix, 'cls_a/img.png')
    assert results['ori_filename'] == 'cls_a/img.png'
    assert results['img_shape'] == (4, 6, 3)
    assert results['ori_shape'] == (4, 6, 3)
    assert results['img_fields'] == ['img']
    np.testing.assert_array_equal(results['img_norm_cfg']['mean'], np.zeros(3))
    np.testing.assert_array_equal(results['img_norm_cfg']['std'], np.ones(3))
    assert results['img_norm_cfg']['to_rgb'] is False


def test_load_without_prefix_uses_filename_as_is(
    write_image: WriteImage, image_4x6: np.ndarray
) -> None:
    path = write_image('img.png', image_4x6)
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile', to_float32=True))
    results = loader({'img_prefix': None, 'img_info': {'filename': str(path)}})
    assert results['filename'] == str(path)
    assert results['img'].dtype == np.float32
    np.testing.assert_array_equal(results['img'], image_4x6.astype(np.float32))


def test_load_grayscale_and_rgb(write_image: WriteImage, image_4x6: np.ndarray) -> None:
    path = write_image('img.png', image_4x6)
    info = {'img_info': {'filename': str(path)}}
    gray = TRANSFORMS.build(dict(type='LoadImageFromFile', color_type='grayscale'))(dict(info))
    assert gray['img'].shape == (4, 6)
    np.testing.assert_array_equal(gray['img'], cv2.cvtColor(image_4x6, cv2.COLOR_BGR2GRAY))
    rgb = TRANSFORMS.build(dict(type='LoadImageFromFile', channel_order='rgb'))(dict(info))
    np.testing.assert_array_equal(rgb['img'], image_4x6[..., ::-1])


def test_load_missing_file_names_it(tmp_path: Path) -> None:
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    with pytest.raises(FileNotFoundError, match=r'nope\.jpg does not exist; check data_prefix'):
        loader({'img_prefix': str(tmp_path), 'img_info': {'filename': 'nope.jpg'}})


@pytest.mark.parametrize('ext', ['.png', '.jpg'])
def test_load_truncated_image_names_it(tmp_path: Path, ext: str) -> None:
    rng = np.random.RandomState(0)
    ok, buf = cv2.imencode(ext, rng.randint(0, 255, (32, 32, 3), dtype=np.uint8))
    assert ok
    path = tmp_path / f'cut{ext}'
    path.write_bytes(buf.tobytes()[: len(buf) // 2])
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    with pytest.raises(OSError, match=rf'cut\{ext} is truncated .*re-download'):
        loader({'img_info': {'filename': str(path)}})


def test_load_garbage_and_empty_files(tmp_path: Path) -> None:
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    (tmp_path / 'junk.jpg').write_bytes(b'not an image at all')
    with pytest.raises(OSError, match=r'junk\.jpg cannot be decoded'):
        loader({'img_info': {'filename': str(tmp_path / 'junk.jpg')}})
    (tmp_path / 'empty.png').write_bytes(b'')
    with pytest.raises(OSError, match=r'empty\.png is empty'):
        loader({'img_info': {'filename': str(tmp_path / 'empty.png')}})


def test_load_bad_arguments_and_missing_info() -> None:
    with pytest.raises(ValueError, match="color_type='colour' is unknown"):
        TRANSFORMS.build(dict(type='LoadImageFromFile', color_type='colour'))
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    with pytest.raises(KeyError, match=r"needs results\['img_info'\]"):
        loader({'img_prefix': 'x'})
    with pytest.raises(KeyError, match=r"needs results\['img_info'\]\['filename'\]"):
        loader({'img_info': {}})


def test_load_repr_shows_arguments() -> None:
    loader = TRANSFORMS.build(dict(type='LoadImageFromFile', to_float32=True))
    assert repr(loader) == (
        "LoadImageFromFile(to_float32=True, color_type='color', channel_order='bgr', "
        "file_client_args={'backend': 'disk'})"
    )
