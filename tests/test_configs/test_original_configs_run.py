"""The original's classification configs, unchanged, train and meta-test on real-layout data.

Each dataset is written in its published layout (mini-ImageNet CSVs, CUB
class folders, tiered-ImageNet pickles) with every published class and six
tiny images per class. Only the data root, a subset of the classes (ten for
training, six for meta-testing), the episode counts and MAML's test-time inner
steps are overridden, as a user shortening a run would do
with ``--cfg-options``; the pipelines, models, optimizers and meta-test
settings are the configs' own.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmfewshot.classification.apis import single_gpu_meta_test
from mmfewshot.classification.datasets import (
    MiniImageNetDataset,
    TieredImageNetDataset,
    build_dataloader,
    build_dataset,
    build_meta_test_dataloader,
)
from mmfewshot.classification.datasets.cub import cub_split_classes
from mmfewshot.registry import MODELS

CONFIG_ROOT = Path(__file__).resolve().parents[2] / 'configs' / 'classification'
ORIGINAL_CONFIGS = sorted(
    p
    for p in CONFIG_ROOT.glob('*/*/*.py')
    if p.parts[-2] in ('cub', 'mini_imagenet', 'tiered_imagenet')
)
SPLITS = ('train', 'val', 'test')
MINI = dict(zip(SPLITS, (MiniImageNetDataset.TRAIN_CLASSES, MiniImageNetDataset.VAL_CLASSES,
                         MiniImageNetDataset.TEST_CLASSES), strict=True))  # fmt: skip
TIERED = dict(zip(SPLITS, (TieredImageNetDataset.TRAIN_CLASSES, TieredImageNetDataset.VAL_CLASSES,
                           TieredImageNetDataset.TEST_CLASSES), strict=True))  # fmt: skip
CLASSES_PER_SPLIT = dict(train=10, val=6, test=6)  # Meta-Baseline trains 10-way
IMAGES_PER_CLASS = 6


def _image(rng: np.random.RandomState) -> np.ndarray:
    return rng.randint(0, 256, (20, 24, 3), dtype=np.uint8)


def _write_mini(root: Path, rng: np.random.RandomState) -> None:
    (root / 'images').mkdir(parents=True)
    for split, classes in MINI.items():
        rows = ['filename,label']
        for wnid in classes:
            for k in range(1, IMAGES_PER_CLASS + 1):
                name = f'{wnid}{k:08d}.jpg'
                cv2.imwrite(str(root / 'images' / name), _image(rng))
                rows.append(f'{name},{wnid}')
        (root / f'{split}.csv').write_text('\n'.join(rows) + '\n')


def _write_cub(root: Path, rng: np.random.RandomState) -> None:
    for split in SPLITS:
        for folder in cub_split_classes(split):
            (root / 'images' / folder).mkdir(parents=True)
            for k in range(IMAGES_PER_CLASS):
                cv2.imwrite(
                    str(root / 'images' / folder / f'{folder[4:]}_{k:04d}.jpg'), _image(rng)
                )


def _write_tiered(root: Path, rng: np.random.RandomState) -> None:
    root.mkdir(parents=True)
    for split, table in TIERED.items():
        pairs = list(table)
        specific = sorted({s for s, _ in pairs})
        general = sorted({g for _, g in pairs})
        labels, images = [], []
        for name, parent in pairs:
            for _ in range(IMAGES_PER_CLASS):
                labels.append((specific.index(name), general.index(parent)))
                images.append(cv2.imencode('.png', _image(rng))[1].tobytes())
        info = dict(
            label_specific=np.array([s for s, _ in labels]),
            label_general=np.array([g for _, g in labels]),
            label_specific_str=specific,
            label_general_str=general,
        )
        with open(root / f'{split}_labels.pkl', 'wb') as f:
            pickle.dump(info, f)
        with open(root / f'{split}_images_png.pkl', 'wb') as f:
            pickle.dump(images, f)


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One tiny copy of each benchmark in its published layout, keyed by dataset type."""
    base = tmp_path_factory.mktemp('real_layouts')
    rng = np.random.RandomState(0)
    writers = dict(MiniImageNetDataset=_write_mini, CUBDataset=_write_cub,
                   TieredImageNetDataset=_write_tiered)  # fmt: skip
    roots = {}
    for kind, write in writers.items():
        write(base / kind, rng)
        roots[kind] = str(base / kind)
    return roots


def _first_classes(kind: str, subset: str, classes_id_seed: int | None) -> list[str]:
    if kind == 'CUBDataset':
        return cub_split_classes(subset, classes_id_seed)[: CLASSES_PER_SPLIT[subset]]
    if kind == 'MiniImageNetDataset':
        return list(MINI[subset][: CLASSES_PER_SPLIT[subset]])
    return [name for name, _ in TIERED[subset][: CLASSES_PER_SPLIT[subset]]]


def _point_at(part: Any, roots: dict[str, str]) -> None:
    """Points every dataset config inside ``part`` at its tiny copy and six of its classes."""
    if isinstance(part, dict):
        if part.get('type') in roots:
            part['data_prefix'] = roots[part['type']]
            subset = part.get('subset', 'train')
            part['classes'] = _first_classes(part['type'], subset, part.get('classes_id_seed'))
        for value in part.values():
            _point_at(value, roots)


def _shorten(cfg: Config, roots: dict[str, str]) -> dict[str, Any]:
    data = copy.deepcopy(cfg.data.to_dict())
    _point_at(data, roots)
    train = data['train']
    if train['type'] == 'EpisodicDataset':
        train.update(num_episodes=2, num_shots=1, num_queries=1)
    for split in ('val', 'test'):
        data[split].update(num_episodes=2, num_queries=1)
        meta_test_cfg = data[split]['meta_test_cfg']
        meta_test_cfg['num_episodes'] = 2
        meta_test_cfg['test_set']['num_workers'] = 0
        if 'train' in meta_test_cfg['support']:
            meta_test_cfg['support']['train']['num_steps'] = 2
        if 'num_inner_steps' in meta_test_cfg['support']:
            meta_test_cfg['support']['num_inner_steps'] = 1
    return data


def test_the_original_configs_are_all_here() -> None:
    assert len(ORIGINAL_CONFIGS) == 96  # 8 methods x 3 datasets x 2 backbones x 2 settings


@pytest.mark.slow
@pytest.mark.parametrize('path', ORIGINAL_CONFIGS, ids=lambda p: p.stem)
def test_original_config_trains_a_step_and_meta_tests(path: Path, data_roots: dict) -> None:
    cfg = Config.fromfile(str(path))
    data = _shorten(cfg, data_roots)
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(cfg.model.to_dict()))

    train_set = build_dataset(data['train'])
    batch_size = 1 if data['train']['type'] == 'EpisodicDataset' else 4
    loader = build_dataloader(train_set, batch_size, 0, dist=False, seed=0)
    batch = next(iter(loader))
    optim_wrapper = build_optim_wrapper(model, dict(optimizer=cfg.optimizer.to_dict()))
    before = [p.detach().clone() for p in model.parameters() if p.requires_grad]
    log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(log_vars['loss']).all(), path.name
    after = [p for p in model.parameters() if p.requires_grad]
    assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True)), path.name

    test = data['test']
    support, query, test_set = build_meta_test_dataloader(
        build_dataset(test), test['meta_test_cfg']
    )
    summary = single_gpu_meta_test(model, 2, support, query, test_set, test['meta_test_cfg'])
    assert 0.0 <= summary['accuracy_mean'] <= 100.0, path.name
    assert test_set is None or test['meta_test_cfg']['fast_test']
