"""Every file under ``configs/`` loads, names only registered types and builds its model on CPU."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import torch
from mmengine.config import Config

from mmfewshot.registry import DATASETS, HOOKS, MODELS, OPTIMIZERS, TRANSFORMS

CONFIG_ROOT = Path(__file__).resolve().parents[2] / 'configs'
ALL_CONFIGS = sorted(CONFIG_ROOT.rglob('*.py'))
LEAF_CONFIGS = [p for p in ALL_CONFIGS if '_base_' not in p.parts]
CLASSIFICATION_LEAVES = [p for p in LEAF_CONFIGS if p.parts[-4] == 'classification']
# <algo-name>_<backbone>_<gpus>xb<batch>_<dataset>_<N>way-<K>shot.py, the 0.x naming.
CLASSIFICATION_NAME = re.compile(
    r'^(?P<algo>[a-z-]+(?:_cosine)?)_(?P<backbone>conv4|resnet12)_1xb(?P<batch>\d+)_'
    r'(?P<dataset>cub|mini-imagenet|tiered-imagenet|glyphs)_5way-(?P<shots>[15])shot\.py$'
)
ALGO_NAMES = {
    'baseline': 'baseline',
    'baseline_plus': 'baseline-plus',
    'neg_margin': 'neg-margin_cosine',
    'proto_net': 'proto-net',
    'matching_net': 'matching-net',
    'relation_net': 'relation-net',
    'maml': 'maml',
    'meta_baseline': 'meta-baseline',
}
# The Glyphs row of an algorithm README: '| Conv4 | [config](glyphs/...) | 95.65 ± 0.21 |'.
RESULT_ROW = re.compile(r'\| Conv4 \| \[config\]\(glyphs/[^)]+\) \| \d+\.\d\d ± \d\.\d\d \|')
# Keys holding a registered ``type`` in the data section, and the registry that holds them.
PIPELINE_KEYS = ('pipeline', 'train_pipeline', 'test_pipeline', 'multi_pipelines')


def _rel(path: Path) -> str:
    return str(path.relative_to(CONFIG_ROOT))


@cache
def _load(path: Path) -> Config:
    return Config.fromfile(str(path))


def _types(node: Any, in_pipeline: bool = False) -> Iterator[tuple[str, bool]]:
    """Yields ``(type, is_pipeline_step)`` for every ``type=`` below ``node``."""
    if isinstance(node, dict):
        kind = node.get('type')
        if isinstance(kind, str):
            yield kind, in_pipeline
        for key, value in node.items():
            if key != 'meta_test_cfg':  # optimizer configs, checked separately
                yield from _types(value, in_pipeline or key in PIPELINE_KEYS)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _types(value, in_pipeline)


_BUILT: dict[str, tuple[int, type]] = {}


def _build(model_cfg: dict) -> tuple[int, type]:
    """Builds a model config once per distinct config; returns its size and class."""
    key = repr(model_cfg)
    if key not in _BUILT:
        model = MODELS.build(copy.deepcopy(model_cfg))
        _BUILT[key] = (sum(p.numel() for p in model.parameters()), type(model))
    return _BUILT[key]


def test_the_config_tree_is_complete() -> None:
    assert len(CLASSIFICATION_LEAVES) >= 96 + 16  # 8 methods x 12 + Glyphs 8 methods x 2
    for algo, name in ALGO_NAMES.items():
        folder = CONFIG_ROOT / 'classification' / algo / 'glyphs'
        glyphs = sorted(p.name for p in folder.glob('*'))
        shots = [f.rsplit('_', 1)[-1] for f in glyphs if f.endswith('.py')]
        assert shots == ['5way-1shot.py', '5way-5shot.py'], algo
        assert all(f.startswith(f'{name}_conv4_1xb') for f in glyphs if f.endswith('.py')), algo
        readme = (CONFIG_ROOT / 'classification' / algo / 'README.md').read_text()
        # Our measured Glyphs numbers and the commands that reproduce them.
        assert RESULT_ROW.search(readme), algo
        assert f'tools/classification/test.py configs/classification/{algo}/glyphs/' in readme


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=_rel)
def test_config_loads_and_names_registered_types(path: Path) -> None:
    cfg = _load(path)
    data = cfg.get('data') or {}
    for kind, in_pipeline in _types(data.to_dict() if hasattr(data, 'to_dict') else data):
        registry = TRANSFORMS if in_pipeline else DATASETS
        assert kind in registry, f'{_rel(path)}: {kind!r} is not in {registry.name}'
    optimizers = [cfg.get('optimizer')]
    for split in ('val', 'test'):
        meta_test_cfg = (data.get(split) or {}).get('meta_test_cfg') or {}
        finetune = (meta_test_cfg.get('support') or {}).get('train') or {}
        optimizers.append(finetune.get('optimizer'))
    for optimizer in optimizers:
        if optimizer is not None:
            assert optimizer['type'] in OPTIMIZERS, f'{_rel(path)}: {optimizer["type"]!r}'
    for hook in cfg.get('custom_hooks') or []:
        assert hook['type'] in HOOKS, f'{_rel(path)}: hook {hook["type"]!r} is not registered'


@pytest.mark.parametrize('path', LEAF_CONFIGS, ids=_rel)
def test_config_builds_its_model_on_cpu(path: Path) -> None:
    cfg = _load(path)
    assert 'model' in cfg, f'{_rel(path)} has no model'
    num_params, cls = _build(cfg.model.to_dict())
    assert num_params > 0
    assert cls.__name__ == cfg.model['type']


@pytest.mark.parametrize('path', CLASSIFICATION_LEAVES, ids=_rel)
def test_classification_config_follows_the_documented_schema(path: Path) -> None:
    cfg = _load(path)
    match = CLASSIFICATION_NAME.match(path.name)
    assert match, f'{_rel(path)} does not follow <algo>_<backbone>_1xb<B>_<dataset>_5way-<K>shot.py'
    assert match['algo'] == ALGO_NAMES[path.parts[-3]]
    dataset_dir = path.parts[-2].replace('_', '-')
    assert match['dataset'] == dataset_dir
    for split in ('val', 'test'):
        part = cfg.data[split]
        assert part['type'] == 'MetaTestDataset'
        assert part['num_shots'] == int(match['shots'])
        assert part['num_ways'] == part['meta_test_cfg']['num_ways'] == 5
        assert part['num_episodes'] == part['meta_test_cfg']['num_episodes']
    assert cfg.data.test.num_episodes == 2000
    assert cfg.data.test.episodes_seed == 0
    train = cfg.data.train
    if train['type'] == 'EpisodicDataset':
        batch = train['num_ways'] * (train['num_shots'] + train['num_queries'])
        assert batch == int(match['batch']), f'{_rel(path)}: an episode has {batch} images'
    else:
        assert cfg.data.samples_per_gpu == int(match['batch'])
    if cfg.model['type'] in ('Baseline', 'BaselinePlus', 'NegMargin'):
        assert {'num_steps', 'optimizer'} <= set(cfg.data.test.meta_test_cfg.support.train)


def test_a_built_model_runs_a_glyphs_sized_episode() -> None:
    # The Glyphs configs feed 32x32 images: every Glyphs model takes a support and query pass.
    for path in CLASSIFICATION_LEAVES:
        if path.parts[-2] != 'glyphs':
            continue
        cfg = _load(path)
        torch.manual_seed(0)
        model = MODELS.build(copy.deepcopy(cfg.model.to_dict()))
        meta_test_cfg = copy.deepcopy(cfg.data.test.meta_test_cfg.to_dict())
        meta_test_cfg['fast_test'] = False
        meta_test_cfg.get('support', {}).get('train', {})['num_steps'] = 1
        model.before_meta_test(meta_test_cfg)
        model.before_forward_support()
        img = torch.rand(5, 3, 32, 32)
        model(img=img, gt_label=torch.arange(5), mode='support')
        model.before_forward_query()
        scores = model(img=torch.rand(2, 3, 32, 32), mode='query')
        assert [s.shape for s in scores] == [(5,), (5,)], _rel(path)


def test_model_zoo_quotes_each_readmes_glyphs_numbers() -> None:
    zoo = (CONFIG_ROOT.parent / 'docs' / 'model_zoo.md').read_text()
    number = r'(\d+\.\d\d ± \d\.\d\d)'
    for algo in ALGO_NAMES:
        readme = (CONFIG_ROOT / 'classification' / algo / 'README.md').read_text()
        row = rf'\| Conv4 \| \[config\]\(glyphs/[^)]+\) \| {number} \| {number} \|'
        measured = re.search(row, readme)
        assert measured, algo
        link = rf'\[{algo}/README\.md\]\(\.\./configs/classification/{algo}/'
        quoted = re.search(rf'\| {number} \| {number} \| {link}', zoo)
        assert quoted, f'docs/model_zoo.md has no Glyphs row linking {algo}/README.md'
        assert quoted.groups() == measured.groups(), algo
