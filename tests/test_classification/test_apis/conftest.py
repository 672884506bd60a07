"""A tiny config file and class images for the inference API tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

CONFIG = """
img_norm_cfg = dict(mean=[127.5] * 3, std=[64.0] * 3, to_rgb=False)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', size=(16, 16)),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img', 'gt_label']),
]
data = dict(
    test=dict(
        type='MetaTestDataset', num_episodes=2, num_ways=3, num_shots=1, num_queries=1,
        dataset=dict(type='GlyphsDataset', data_prefix='unused', pipeline=test_pipeline),
        meta_test_cfg=dict(
            num_episodes=2, num_ways=3, fast_test=True,
            support=dict(batch_size=2, drop_last=True,
                         train=dict(num_steps=20, optimizer=dict(type='SGD', lr=0.1))),
            query=dict(batch_size=3),
        ),
    )
)
"""
MODELS = dict(
    proto=(
        "model = dict(type='ProtoNet', backbone=dict(type='Conv4'),"
        " head=dict(type='PrototypeHead'))"
    ),
    baseline=(
        "model = dict(type='Baseline', backbone=dict(type='Conv4'),"
        " head=dict(type='LinearHead', num_classes=4, in_channels=64),"
        " meta_test_head=dict(type='LinearHead', num_classes=3, in_channels=64))"
    ),
)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], str]:
    """``write(kind) -> path`` of a config for a ``'proto'`` or ``'baseline'`` classifier."""

    def write(kind: str) -> str:
        path = tmp_path / f'{kind}_cfg.py'
        path.write_text(CONFIG + MODELS[kind] + '\n')
        return str(path)

    return write


@pytest.fixture
def class_images(tmp_path: Path) -> dict[str, list[str]]:
    """Three classes (``'bars'``, ``'dots'``, ``'frame'``) of four 20x20 PNG images each."""
    rng = np.random.RandomState(0)
    out: dict[str, list[str]] = {}
    for name in ('bars', 'dots', 'frame'):
        out[name] = []
        for i in range(4):
            img = np.full((20, 20, 3), 255, np.uint8)
            if name == 'bars':
                img[:, ::4] = 0
            elif name == 'dots':
                img[::5, ::5] = 0
            else:
                img[:3], img[-3:], img[:, :3], img[:, -3:] = 0, 0, 0, 0
            noisy = np.clip(img + rng.normal(0, 20, img.shape), 0, 255).astype(np.uint8)
            path = tmp_path / 'images' / f'{name}_{i}.png'
            path.parent.mkdir(exist_ok=True)
            cv2.imwrite(str(path), noisy)
            out[name].append(str(path))
    return out
