"""Tiny image datasets, meta-test loaders and classifiers for the meta-test tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import torch

from mmfewshot.classification.datasets import BaseFewShotDataset
from mmfewshot.classification.datasets.builder import build_meta_test_dataloader
from mmfewshot.classification.datasets.dataset_wrappers import MetaTestDataset
from mmfewshot.registry import MODELS

IMG_SIZE = 16
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', mean=[127.5] * 3, std=[64.0] * 3, to_rgb=False),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img', 'gt_label']),
]


class FolderDataset(BaseFewShotDataset):
    """``<root>/<class>/<i>.png``; classes are the sorted folder names."""

    def load_annotations(self) -> list[dict]:
        infos = []
        for label, name in enumerate(self.CLASSES or []):
            for file in sorted(os.listdir(os.path.join(self.data_prefix, name))):
                infos.append(
                    dict(
                        img_prefix=self.data_prefix,
                        img_info=dict(filename=f'{name}/{file}'),
                        gt_label=np.int64(label),
                    )
                )
        return infos


def write_class_images(root: Path, num_classes: int, per_class: int, seed: int = 0) -> list[str]:
    """Writes noisy images whose colour and stripe pattern depend on the class."""
    rng = np.random.RandomState(seed)
    names = []
    for c in range(num_classes):
        name = f'class_{c}'
        names.append(name)
        (root / name).mkdir(parents=True, exist_ok=True)
        base = np.zeros((IMG_SIZE, IMG_SIZE, 3), np.float64)
        base[..., c % 3] = 100 + 10 * c
        base[:: 2 + c % 2, :, (c + 1) % 3] = 140
        for i in range(per_class):
            img = np.clip(base + rng.normal(0, 110, base.shape), 0, 255).astype(np.uint8)
            cv2.imwrite(str(root / name / f'{i}.png'), img)
    return names


@pytest.fixture(scope='module')
def image_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """A folder of 6 classes x 7 images (16x16 PNG) shared by a test module."""
    root = tmp_path_factory.mktemp('images')
    names = write_class_images(root, num_classes=6, per_class=7)
    return str(root), names


def meta_test_cfg(
    fast_test: bool, num_episodes: int = 6, shots: int = 1, queries: int = 2, **support: Any
) -> dict[str, Any]:
    return dict(
        num_episodes=num_episodes,
        num_ways=3,
        num_shots=shots,
        num_queries=queries,
        fast_test=fast_test,
        test_set=dict(batch_size=5, num_workers=0),
        support=dict(batch_size=3 * shots, num_workers=0, **support),
        query=dict(batch_size=4, num_workers=0),
    )


@pytest.fixture
def make_loaders(
    image_root: tuple[str, list[str]],
) -> Callable[..., tuple[Any, Any, Any, dict]]:
    """``make(fast_test, **cfg) -> (support, query, test_set, meta_test_cfg)`` over 3-way tasks."""

    def make(fast_test: bool, seed: int = 0, **kwargs: Any) -> tuple[Any, Any, Any, dict]:
        root, names = image_root
        cfg = meta_test_cfg(fast_test, **kwargs)
        dataset = MetaTestDataset(
            FolderDataset(data_prefix=root, pipeline=PIPELINE, classes=names),
            num_episodes=cfg['num_episodes'],
            num_ways=cfg['num_ways'],
            num_shots=cfg['num_shots'],
            num_queries=cfg['num_queries'],
            episodes_seed=seed,
        )
        support, query, test_set = build_meta_test_dataloader(dataset, cfg)
        return support, query, test_set, cfg

    return make


def _build_classifier(kind: str, seed: int = 0) -> Any:
    """A seeded tiny classifier on 16x16 inputs (Conv4 gives 64-d features)."""
    torch.manual_seed(seed)
    if kind == 'proto':
        cfg = dict(type='ProtoNet', backbone=dict(type='Conv4'), head=dict(type='PrototypeHead'))
    elif kind == 'baseline':
        cfg = dict(
            type='Baseline',
            backbone=dict(type='Conv4'),
            head=dict(type='LinearHead', num_classes=6, in_channels=64),
            meta_test_head=dict(type='LinearHead', num_classes=3, in_channels=64),
        )
    elif kind == 'relation':
        # 16x16 input: one pooling block gives (64, 5, 5) feature maps.
        cfg = dict(
            type='RelationNet',
            backbone=dict(type='Conv4NoPool', pooling_blocks=(0,)),
            head=dict(type='RelationHead', in_channels=64, feature_size=(5, 5)),
        )
    elif kind == 'maml':
        cfg = dict(
            type='MAML',
            backbone=dict(type='Conv4'),
            head=dict(type='LinearHead', num_classes=3, in_channels=64),
        )
    else:
        raise KeyError(kind)
    return MODELS.build(cfg)


@pytest.fixture
def build_classifier() -> Callable[..., Any]:
    """``build(kind, seed=0)``: a seeded 'proto', 'baseline', 'relation' or 'maml' classifier."""
    return _build_classifier


@pytest.fixture
def finetune_cfg() -> dict[str, Any]:
    """A short ``meta_test_cfg.support.train`` for the fine-tune classifiers."""
    return dict(
        num_steps=5,
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, dampening=0.9, weight_decay=0.001),
    )


TRAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', mean=[127.5] * 3, std=[64.0] * 3, to_rgb=False),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]


@pytest.fixture
def train_dataset(image_root: tuple[str, list[str]]) -> BaseFewShotDataset:
    """The 6 classes of ``image_root`` as a plain training set (42 images)."""
    root, names = image_root
    return FolderDataset(data_prefix=root, pipeline=TRAIN_PIPELINE, classes=names)
