"""docs/detection/config.md: the GlyphScenes data config builds, runs and evaluates as described."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from torch.utils.data import DataLoader

from mmfewshot.detection.datasets import build_dataset
from mmfewshot.engine import EvalHook

PAGE = 'detection/config.md'


@pytest.fixture
def cfg(snippets, glyph_scenes_root: Path, monkeypatch) -> Config:
    snippets(PAGE).write_configs(glyph_scenes_root)
    monkeypatch.chdir(glyph_scenes_root)
    return Config.fromfile('glyph_scenes_data.py')


def test_train_set_is_the_1shot_split_through_the_pipeline(cfg: Config) -> None:
    train = build_dataset(cfg.data.train)
    assert type(train).__name__ == 'GlyphScenesVOCDefaultDataset'
    labels = np.concatenate([train.get_ann_info(i)['labels'] for i in range(len(train))])
    assert set(labels.tolist()) == set(range(20))
    sample = train[0]
    img = sample['img'].data
    assert img.shape[0] == 3
    assert img.shape[1] % 32 == 0  # Pad(size_divisor=32)
    assert img.shape[2] % 32 == 0
    assert 160 <= min(sample['img_metas'].data['img_shape'][:2]) <= 224  # range of short sides


def test_test_set_evaluates_with_class_splits(cfg: Config) -> None:
    test = build_dataset(cfg.data.test)
    sample = test[0]
    assert sample['img'][0].shape[1:] == (192, 256) or max(sample['img'][0].shape[1:]) <= 256
    results = []
    for i in range(len(test)):
        ann = test.get_ann_info(i)
        results.append(
            [
                np.hstack(
                    [ann['bboxes'][ann['labels'] == c], np.ones(((ann['labels'] == c).sum(), 1))]
                )
                for c in range(20)
            ]
        )
    evaluation = dict(cfg.evaluation)
    hook = EvalHook(DataLoader(test, collate_fn=list), **evaluation)
    assert hook.interval == 500
    assert hook.eval_kwargs == dict(
        metric='mAP', class_splits=['BASE_CLASSES_SPLIT1', 'NOVEL_CLASSES_SPLIT1']
    )
    metrics = test.evaluate(results, **hook.eval_kwargs)
    assert set(metrics) >= {
        'mAP', 'AP50', 'BASE_CLASSES_SPLIT1: AP50', 'NOVEL_CLASSES_SPLIT1: AP50'
    }  # fmt: skip
    assert metrics['AP50'] == pytest.approx(1.0)


def test_coco_variant(cfg: Config) -> None:
    coco_cfg = dict(
        cfg.data.test,
        type='GlyphScenesCocoDataset',
        ann_cfg=[dict(type='ann_file', ann_file=cfg.data_root + 'annotations/val.json')],
        img_prefix=cfg.data_root,
    )
    coco = build_dataset(coco_cfg)
    voc = build_dataset(cfg.data.test)
    assert len(coco) == len(voc) == 4
    assert coco[0]['img'][0].shape == voc[0]['img'][0].shape
