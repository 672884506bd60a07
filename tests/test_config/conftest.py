"""Fixtures for the config-system tests: a tree of 0.x-style configs and the tools' parser."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from mmengine.config import DictAction

from mmfewshot.utils import DictAction as FewShotDictAction


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str, str], Path]:
    """Writes ``text`` (dedented) to ``tmp_path / rel`` and returns the path."""
    return lambda rel, text: _write(tmp_path, rel, text)


@pytest.fixture
def base_tree(tmp_path: Path) -> Path:
    """A ``configs/`` tree shaped like the package's: ``_base_`` parts and a leaf config."""
    root = tmp_path / 'configs'
    _write(
        root,
        '_base_/models/proto_net_conv4.py',
        """
        model = dict(
            type='ProtoNet',
            backbone=dict(type='Conv4', norm_cfg=dict(type='BN', requires_grad=True)),
            head=dict(type='PrototypeHead'))
        """,
    )
    _write(
        root,
        '_base_/datasets/mini_imagenet.py',
        """
        img_size = 84
        img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
        train_pipeline = [
            dict(type='LoadImageFromFile'),
            dict(type='RandomResizedCrop', size=img_size),
            dict(type='RandomFlip', flip_prob=0.5, direction='horizontal'),
            dict(type='Normalize', **img_norm_cfg),
        ]
        data = dict(
            samples_per_gpu=1,
            workers_per_gpu=4,
            train=dict(
                type='EpisodicDataset',
                num_episodes=100000,
                dataset=dict(type='MiniImageNetDataset', subset='train',
                             pipeline=train_pipeline)))
        """,
    )
    _write(
        root,
        '_base_/runtime.py',
        """
        log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])
        workflow = [('train', 1)]
        optimizer = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=0.0001)
        """,
    )
    return root


@pytest.fixture(params=[DictAction, FewShotDictAction], ids=['mmengine', 'mmfewshot'])
def tools_parser(request: pytest.FixtureRequest) -> argparse.ArgumentParser:
    """The tools' argument parser (config part), with mmengine's and with our DictAction."""
    parser = argparse.ArgumentParser(prog='tools/train.py')
    parser.add_argument('config')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=request.param,
        help='override settings, e.g. --cfg-options optimizer.lr=0.01',
    )
    return parser
