"""``_base_`` inheritance, ``_delete_``, intermediate variables (config tutorials)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from mmengine.config import Config


def test_single_base_relative_path(base_tree: Path) -> None:
    leaf = base_tree / 'proto_net' / 'leaf.py'
    leaf.parent.mkdir()
    leaf.write_text(
        "_base_ = '../_base_/models/proto_net_conv4.py'\nmodel = dict(head=dict(temperature=2.0))\n"
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.model.type == 'ProtoNet'
    assert cfg.model.backbone == dict(type='Conv4', norm_cfg=dict(type='BN', requires_grad=True))
    assert cfg.model.head == dict(type='PrototypeHead', temperature=2.0)


def test_list_of_bases_are_merged_in_order(base_tree: Path) -> None:
    leaf = base_tree / 'proto_net' / 'mini_imagenet' / 'leaf.py'
    leaf.parent.mkdir(parents=True)
    leaf.write_text(
        "_base_ = ['../../_base_/models/proto_net_conv4.py',\n"
        "          '../../_base_/datasets/mini_imagenet.py',\n"
        "          '../../_base_/runtime.py']\n"
        'optimizer = dict(lr=0.001)\n'
        'data = dict(samples_per_gpu=2)\n'
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.model.type == 'ProtoNet'
    assert cfg.data.samples_per_gpu == 2
    assert cfg.data.workers_per_gpu == 4  # kept from the base
    assert cfg.data.train.dataset.pipeline[1] == dict(type='RandomResizedCrop', size=84)
    assert cfg.optimizer == dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0001)
    assert cfg.workflow == [('train', 1)]


def test_bases_with_duplicate_keys_fail(write_config: Callable[[str, str], Path]) -> None:
    write_config('a.py', 'x = 1\n')
    write_config('b.py', 'x = 2\n')
    leaf = write_config('leaf.py', "_base_ = ['./a.py', './b.py']\n")
    with pytest.raises(KeyError, match='Duplicate key'):
        Config.fromfile(str(leaf))


def test_chained_bases(write_config: Callable[[str, str], Path]) -> None:
    write_config('_base_/root.py', "model = dict(type='A', depth=1, width=8)\n")
    write_config('_base_/mid.py', "_base_ = './root.py'\nmodel = dict(depth=2)\n")
    leaf = write_config('algo/leaf.py', "_base_ = '../_base_/mid.py'\nmodel = dict(width=16)\n")
    assert Config.fromfile(str(leaf)).model == dict(type='A', depth=2, width=16)


def test_delete_replaces_a_base_dict(base_tree: Path) -> None:
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = ['./_base_/models/proto_net_conv4.py', './_base_/runtime.py']\n"
        "model = dict(backbone=dict(_delete_=True, type='ResNet12', drop_rate=0.1))\n"
        "optimizer = dict(_delete_=True, type='Adam', lr=0.001)\n"
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.model.backbone == dict(type='ResNet12', drop_rate=0.1)  # no norm_cfg left
    assert cfg.model.head == dict(type='PrototypeHead')
    assert cfg.optimizer == dict(type='Adam', lr=0.001)


def test_without_delete_keys_are_merged(base_tree: Path) -> None:
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = './_base_/models/proto_net_conv4.py'\n"
        "model = dict(backbone=dict(type='ResNet12'))\n"
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.model.backbone == dict(type='ResNet12', norm_cfg=dict(type='BN', requires_grad=True))


def test_intermediate_variables(base_tree: Path) -> None:
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = './_base_/datasets/mini_imagenet.py'\n"
        'img_size = 96\n'
        "train_pipeline = [dict(type='LoadImageFromFile'),\n"
        "                  dict(type='RandomResizedCrop', size=img_size)]\n"
        'data = dict(train=dict(dataset=dict(pipeline=train_pipeline)))\n'
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.img_size == 96
    assert cfg.data.train.dataset.pipeline == [
        dict(type='LoadImageFromFile'),
        dict(type='RandomResizedCrop', size=96),
    ]
    # base variables are usable by name in the base itself
    assert cfg.img_norm_cfg.mean == [123.675, 116.28, 103.53]


def test_redefined_intermediate_variable_must_be_passed_again(base_tree: Path) -> None:
    # the tutorials' warning: changing a variable in a child does not re-evaluate the base fields
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = './_base_/datasets/mini_imagenet.py'\n"
        "train_pipeline = [dict(type='LoadImageFromFile')]\n"
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.train_pipeline == [dict(type='LoadImageFromFile')]
    assert len(cfg.data.train.dataset.pipeline) == 4


def test_reuse_base_variables(base_tree: Path) -> None:
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = './_base_/datasets/mini_imagenet.py'\n"
        'val_pipeline = {{_base_.train_pipeline}}\n'
        'size_copy = {{_base_.img_size}}\n'
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.size_copy == 84
    assert cfg.val_pipeline == cfg.train_pipeline


def test_pretty_text_round_trips(base_tree: Path) -> None:
    # print_config prints cfg.pretty_text; it must be a loadable config with the same content
    leaf = base_tree / 'leaf.py'
    leaf.write_text(
        "_base_ = ['./_base_/models/proto_net_conv4.py', './_base_/runtime.py']\n"
        "workflow = [('train', 1), ('val', 1)]\n"
    )
    cfg = Config.fromfile(str(leaf))
    again = Config.fromstring(cfg.pretty_text, '.py')
    assert again.to_dict() == cfg.to_dict()
    assert again.workflow == [('train', 1), ('val', 1)]
