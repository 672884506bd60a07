"""The train and meta-test pipelines of the 0.x classification configs, run end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import torch

from mmfewshot.transforms import Compose
from mmfewshot.utils import DataContainer, local_numpy_seed

IMG_SIZE = 84
IMG_NORM_CFG = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
# copied from the 0.x configs (algorithm configs and _base_/meta_test/*)
TRAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', size=IMG_SIZE),
    dict(type='RandomFlip', flip_prob=0.5, direction='horizontal'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='Normalize', **IMG_NORM_CFG),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]


def _test_pipeline(loader: str) -> list[dict]:
    return [
        dict(type=loader),
        dict(type='Resize', size=(int(IMG_SIZE * 1.15), -1)),
        dict(type='CenterCrop', crop_size=IMG_SIZE),
        dict(type='Normalize', **IMG_NORM_CFG),
        dict(type='ImageToTensor', keys=['img']),
        dict(type='Collect', keys=['img', 'gt_label']),
    ]


def _meta_test_reference(img: np.ndarray) -> np.ndarray:
    """Independent numpy/cv2 version of Resize(96, -1) -> CenterCrop(84) -> Normalize."""
    # 90 x 120 image: short side h = 90 -> 96, w = int(96 * 120 / 90) = 128
    resized = cv2.resize(img, (128, 96), interpolation=cv2.INTER_LINEAR)
    crop = resized[6:90, 22:106]  # top = round(12 / 2), left = round(44 / 2)
    rgb = crop[..., ::-1].astype(np.float64)
    norm = (rgb - np.array(IMG_NORM_CFG['mean'])) / np.array(IMG_NORM_CFG['std'])
    return norm.transpose(2, 0, 1)


def _item(path: Path) -> dict:
    return {
        'img_prefix': str(path.parent),
        'img_info': {'filename': path.name},
        'gt_label': np.array(3, dtype=np.int64),
    }


def test_train_pipeline_end_to_end(
    write_image: Callable[[str, np.ndarray], Path], textured_image: np.ndarray
) -> None:
    path = write_image('n01/img.png', textured_image)
    pipeline = Compose(TRAIN_PIPELINE)
    with local_numpy_seed(0):
        first = pipeline(_item(path))
    assert set(first) == {'img', 'gt_label', 'img_metas'}
    assert first['img'].shape == (3, IMG_SIZE, IMG_SIZE)
    assert first['img'].dtype == torch.float32
    assert first['gt_label'].dtype == torch.int64
    assert first['gt_label'].item() == 3
    meta = first['img_metas']
    assert isinstance(meta, DataContainer)
    assert meta.cpu_only
    assert set(meta.data) == {
        'filename',
        'ori_filename',
        'ori_shape',
        'img_shape',
        'flip',
        'flip_direction',
        'img_norm_cfg',
    }
    assert meta.data['ori_shape'] == (90, 120, 3)
    assert meta.data['img_shape'] == (IMG_SIZE, IMG_SIZE, 3)
    # the random transforms draw from NumPy's global RNG, so local_numpy_seed fixes them
    state = np.random.get_state()[1].copy()
    with local_numpy_seed(0):
        again = pipeline(_item(path))
    with local_numpy_seed(1):
        other = pipeline(_item(path))
    assert torch.equal(first['img'], again['img'])
    assert not torch.equal(first['img'], other['img'])
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_meta_test_pipeline_matches_reference(
    write_image: Callable[[str, np.ndarray], Path], textured_image: np.ndarray
) -> None:
    path = write_image('n01/img.png', textured_image)
    out = Compose(_test_pipeline('LoadImageFromFile'))(_item(path))
    assert out['img'].shape == (3, IMG_SIZE, IMG_SIZE)
    np.testing.assert_allclose(
        out['img'].numpy(), _meta_test_reference(textured_image), rtol=1e-5, atol=1e-5
    )
    assert out['img_metas'].data['img_shape'] == (IMG_SIZE, IMG_SIZE, 3)
    assert out['gt_label'] == 3  # not converted: the meta-test configs have no ToTensor


def test_tiered_meta_test_pipeline_decodes_bytes(textured_image: np.ndarray) -> None:
    ok, buf = cv2.imencode('.png', textured_image)
    assert ok
    item = {
        'img_prefix': None,
        'img_info': {'filename': 'test_image_0'},
        'img_bytes': buf.tobytes(),
        'gt_label': np.array(1, dtype=np.int64),
    }
    out = Compose(_test_pipeline('LoadImageFromBytes'))(item)
    np.testing.assert_allclose(
        out['img'].numpy(), _meta_test_reference(textured_image), rtol=1e-5, atol=1e-5
    )
    assert out['img_metas'].data['filename'] == 'test_image_0'
