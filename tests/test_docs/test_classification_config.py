"""docs/classification/config.md: its configs load, merge and build as the page says."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmfewshot.engine import translate_config
from mmfewshot.registry import MODELS

PAGE = 'classification/config.md'


@pytest.fixture
def config_root(snippets, tmp_path: Path) -> Path:
    snippets(PAGE).write_configs(tmp_path)
    return tmp_path


def test_explained_config_loads_and_its_model_builds(config_root: Path) -> None:
    cfg = Config.fromfile(str(config_root / 'proto_net_explained.py'))
    assert cfg.data.train.type == 'EpisodicDataset'
    assert cfg.data.train.dataset.pipeline[1] == dict(type='RandomResizedCrop', size=84)
    assert cfg.data.test.dataset.pipeline[1] == dict(type='Resize', size=(96, -1))
    assert cfg.data.test.meta_test_cfg.num_episodes == 2000
    assert cfg.data.val.meta_test_cfg.num_episodes == 100
    assert cfg.data.val.meta_test_cfg.support == dict(batch_size=5, num_workers=0)
    assert cfg.data.test.meta_test_cfg.query == dict(batch_size=75, num_workers=0)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'ProtoNet'
    assert model(img=torch.zeros(1, 3, 84, 84), mode='extract_feat').shape == (1, 1600)


def test_explained_config_runtime_translates_as_described(config_root: Path) -> None:
    cfg = Config.fromfile(str(config_root / 'proto_net_explained.py'))
    plan = translate_config(cfg)
    kwargs = plan.runner_kwargs
    assert plan.runner_type == 'IterBasedRunner'
    assert not plan.by_epoch
    assert kwargs['train_cfg'] == dict(type='IterBasedTrainLoop', max_iters=100000)
    assert kwargs['optim_wrapper']['optimizer'] == dict(type='Adam', lr=0.001)
    checkpoint = kwargs['default_hooks']['checkpoint']
    assert (checkpoint['interval'], checkpoint['by_epoch']) == (4000, False)
    assert plan.eval_cfg == dict(by_epoch=False, interval=2000, metric='accuracy')
    assert plan.use_infinite_sampler
    assert kwargs['randomness']['seed'] == 0


def test_child_dict_is_merged_into_the_base(config_root: Path) -> None:
    cfg = Config.fromfile(str(config_root / 'proto_net' / 'proto_net_temperature2.py'))
    assert cfg.model.head == dict(type='PrototypeHead', temperature=2.0)
    assert cfg.model.backbone == dict(type='Conv4')


def test_delete_drops_the_base_keys(config_root: Path) -> None:
    cfg = Config.fromfile(str(config_root / 'proto_net' / 'proto_net_resnet12.py'))
    assert cfg.model.head == dict(type='PrototypeHead')
    assert cfg.model.backbone == dict(type='ResNet12')
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'ResNet12'
    assert model.head.temperature == 1.0


def test_cfg_options_snippet(snippets, run_python, config_root: Path, monkeypatch) -> None:
    monkeypatch.chdir(config_root)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(snippets(PAGE).python['cfg_options'], 'cfg_options')
    assert stdout.getvalue() == "4.0 [('train', 1), ('val', 1)]\n"
    assert namespace['cfg'].model.head == dict(type='PrototypeHead', temperature=4.0)


@pytest.mark.slow  # a fresh interpreter runs the tool
def test_print_config_command(snippets, run_bash) -> None:
    out = run_bash(snippets(PAGE).bash['print_config']).stdout
    assert out.startswith('Config:\n')
    cfg = Config.fromstring(out.removeprefix('Config:\n'), '.py')
    assert cfg.model.type == 'ProtoNet'
    assert cfg.model.head == dict(type='PrototypeHead', temperature=2.0)
    assert cfg.data.train.dataset.type == 'MiniImageNetDataset'
    assert cfg.runner == dict(type='IterBasedRunner', max_iters=100000)
