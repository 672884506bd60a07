"""``--cfg-options`` as the tools parse and apply it (config tutorials)."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config


def _apply(parser: argparse.ArgumentParser, config: Path, *options: str) -> Config:
    args = parser.parse_args([str(config), '--cfg-options', *options])
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    return cfg


@pytest.fixture
def leaf(base_tree: Path) -> Path:
    path = base_tree / 'leaf.py'
    path.write_text(
        "_base_ = ['./_base_/models/proto_net_conv4.py',\n"
        "          './_base_/datasets/mini_imagenet.py',\n"
        "          './_base_/runtime.py']\n"
    )
    return path


def test_dict_chains(tools_parser: argparse.ArgumentParser, leaf: Path) -> None:
    cfg = _apply(
        tools_parser,
        leaf,
        'model.backbone.norm_cfg.requires_grad=False',
        'optimizer.lr=0.01',
        'data.samples_per_gpu=4',
        'model.head.type=NewHead',
        'data.train.dataset.new_key=new',
    )
    assert cfg.model.backbone.norm_cfg == dict(type='BN', requires_grad=False)
    assert cfg.optimizer.lr == 0.01
    assert cfg.optimizer.momentum == 0.9
    assert cfg.data.samples_per_gpu == 4
    assert cfg.model.head.type == 'NewHead'
    assert cfg.data.train.dataset.new_key == 'new'


def test_list_indices(tools_parser: argparse.ArgumentParser, leaf: Path) -> None:
    cfg = _apply(
        tools_parser,
        leaf,
        'data.train.dataset.pipeline.0.type=LoadImageFromBytes',
        'data.train.dataset.pipeline.2.flip_prob=0.0',
        'log_config.hooks.0.type=TensorboardLoggerHook',
    )
    pipeline = cfg.data.train.dataset.pipeline
    assert pipeline[0] == dict(type='LoadImageFromBytes')
    assert pipeline[2] == dict(type='RandomFlip', flip_prob=0.0, direction='horizontal')
    assert pipeline[1] == dict(type='RandomResizedCrop', size=84)
    assert cfg.log_config.hooks == [dict(type='TensorboardLoggerHook')]


def test_list_and_tuple_values(tools_parser: argparse.ArgumentParser, leaf: Path) -> None:
    cfg = _apply(
        tools_parser,
        leaf,
        'workflow=[(train,1),(val,1)]',
        'data.train.dataset.classes=a,b,c',
        'img_norm_cfg.mean=[0,0,0]',
        'model.backbone.out_indices=(1,2,3)',
        'model.init_cfg=None',
        'data.train.dataset.test_mode=False',
    )
    assert cfg.workflow == [('train', 1), ('val', 1)]
    assert cfg.data.train.dataset.classes == ['a', 'b', 'c']
    assert cfg.img_norm_cfg.mean == [0, 0, 0]
    assert cfg.model.backbone.out_indices == (1, 2, 3)
    assert cfg.model.init_cfg is None
    assert cfg.data.train.dataset.test_mode is False


def test_quoted_values_from_a_real_shell(leaf: Path, tmp_path: Path) -> None:
    # the tutorials' command line, quotes and all, through bash and the tools' parser
    script = tmp_path / 'show.py'
    script.write_text(
        'import argparse, json\n'
        'from mmengine.config import Config, DictAction\n'
        'p = argparse.ArgumentParser()\n'
        "p.add_argument('config')\n"
        "p.add_argument('--cfg-options', nargs='+', action=DictAction)\n"
        'a = p.parse_args()\n'
        'cfg = Config.fromfile(a.config)\n'
        'cfg.merge_from_dict(a.cfg_options)\n'
        't = cfg.data.train.dataset.pipeline[0].type\n'
        'print(json.dumps(dict(workflow=cfg.workflow, t=t)))\n'
    )
    command = (
        f'"{sys.executable}" "{script}" "{leaf}" --cfg-options '
        'workflow="[(train,1),(val,1)]" data.train.dataset.pipeline.0.type=LoadImageFromBytes'
    )
    out = subprocess.run(['bash', '-c', command], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {'workflow': [['train', 1], ['val', 1]], 't': 'LoadImageFromBytes'}


def test_out_of_range_list_index_is_rejected(
    tools_parser: argparse.ArgumentParser, leaf: Path
) -> None:
    with pytest.raises(KeyError, match='Index 9 exceeds the length of list'):
        _apply(tools_parser, leaf, 'data.train.dataset.pipeline.9.type=X')
