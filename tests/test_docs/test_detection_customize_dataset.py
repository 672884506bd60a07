"""docs/detection/customize_dataset.md: its dataset, wrapper, saving and evaluation snippets."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from mmengine.config import Config

from mmfewshot.detection.datasets import build_dataset
from mmfewshot.registry import DATASETS

PAGE = 'detection/customize_dataset.md'


def _exec(snippets, run_python, name: str, given: dict[str, Any] | None = None):
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(snippets(PAGE).python[name], name, given=given)
    return namespace, stdout.getvalue()


def test_voc_dataset_keeps_one_instance_per_class(snippets, run_python, voc_dir) -> None:
    namespace, out = _exec(snippets, run_python, 'voc_dataset')
    assert out.strip().endswith('2')
    train_set = namespace['train_set']
    labels = sorted(int(train_set.get_ann_info(i)['labels'][0]) for i in range(len(train_set)))
    assert labels == [0, 1]
    assert all(len(train_set.get_ann_info(i)['labels']) == 1 for i in range(len(train_set)))
    # the same seed keeps the same instances
    again, _ = _exec(snippets, run_python, 'voc_dataset')
    boxes = [train_set.get_ann_info(i)['bboxes'].tolist() for i in range(2)]
    assert boxes == [again['train_set'].get_ann_info(i)['bboxes'].tolist() for i in range(2)]


def test_saved_dataset_reloads_the_same_instances(snippets, run_python, voc_dir, voc_boxes) -> None:
    namespace, _ = _exec(snippets, run_python, 'voc_dataset')
    namespace, _ = _exec(snippets, run_python, 'saved_dataset', given=namespace)
    saved = json.loads((voc_dir / 'work_dir' / '20240101_120000_saved_data.json').read_text())
    assert saved[0] == {'CLASSES': ['cat', 'dog'], 'img_prefix': 'my_voc/'}
    sampled, reloaded = namespace['sampled'], namespace['reloaded']
    assert len(reloaded) == len(sampled) == 2
    for i in range(2):
        assert np.array_equal(reloaded.get_ann_info(i)['bboxes'], sampled.get_ann_info(i)['bboxes'])
    # training boxes carry the VOC coordinate offset [-1, -1, 0, 0]
    xml_boxes = {tuple(box) for objects in voc_boxes.values() for _, box in objects}
    for i in range(2):
        x1, y1, x2, y2 = sampled.get_ann_info(i)['bboxes'][0].tolist()
        assert (x1 + 1, y1 + 1, x2, y2) in xml_boxes


def test_query_aware_loader(snippets, run_python, voc_dir) -> None:
    namespace, out = _exec(snippets, run_python, 'query_aware')
    assert out.strip().splitlines()[-1] == "['query_data', 'support_data']"
    dataset = namespace['dataset']
    item = dataset[0]
    assert len(item['support_data']) == 2  # 2 ways x 1 shot
    query_labels = set(item['query_data']['gt_labels'].data.tolist())
    assert len(query_labels) == 1  # reduced to the positive class
    support_labels = [int(s['gt_labels'].data[0]) for s in item['support_data']]
    assert support_labels[0] in query_labels
    assert sorted(support_labels) == [0, 1]
    batch = namespace['batch']
    # collated as mmcv 1.x did: a DataContainer holding one stacked chunk per device
    assert batch['query_data']['img'].data[0].shape[:2] == (2, 3)
    assert batch['support_data']['img'].data[0].shape[:2] == (4, 4)  # 2 x 2 supports; RGB + mask


def test_middle_format_and_subclass(snippets, run_python, voc_dir) -> None:
    given = {'build_dataset': build_dataset}
    namespace, _ = _exec(snippets, run_python, 'middle_format', given=given)
    dataset = namespace['dataset']
    assert len(dataset) == 2
    assert dataset.get_ann_info(0)['labels'].tolist() == [0, 1]
    sample = dataset[1]
    assert sample['img'].shape == (100, 120, 3)
    assert sample['gt_bboxes'].tolist() == [[5.0, 5.0, 50.0, 60.0]]
    try:
        namespace, _ = _exec(snippets, run_python, 'csv_dataset')
        lines = ['000001.jpg,120,100,10,10,60,50,cat', '000001.jpg,120,100,70,20,110,90,dog']
        lines.append('000002.jpg,120,100,5,5,50,60,dog')
        Path('boxes.csv').write_text('\n'.join(lines) + '\n')
        cfg = dict(
            type='CsvDetDataset',
            ann_cfg=[dict(type='ann_file', ann_file='boxes.csv', ann_classes=['dog'])],
            classes=['cat', 'dog'],
            img_prefix='my_voc/VOC2007/JPEGImages',
            pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', with_bbox=True)],
        )
        dogs = build_dataset(cfg)
        assert [dogs.get_ann_info(i)['labels'].tolist() for i in range(2)] == [[1], [1]]
        assert dogs[0]['gt_bboxes'].tolist() == [[70.0, 20.0, 110.0, 90.0]]
    finally:
        DATASETS._module_dict.pop('CsvDetDataset', None)


def test_evaluate_ground_truth_gives_full_ap(snippets, run_python, voc_dir) -> None:
    given = {'build_dataset': build_dataset}
    namespace, out = _exec(snippets, run_python, 'evaluate', given=given)
    assert out.strip().splitlines()[-1] == "{'mAP': 1.0, 'AP50': 1.0}"
    results = namespace['results']
    results[0][0] = results[0][0][:0]  # drop the cat of image 000001: recall 2/3 for cat
    metrics = namespace['test_set'].evaluate(results, metric='mAP')
    # VOC07 11-point AP of cat: precision 1 up to recall 2/3 -> 7 of 11 points; dog: 1
    assert metrics['AP50'] == pytest.approx((7 / 11 + 1.0) / 2, abs=1e-3)


def test_glyph_scenes_default_split_config(snippets, glyph_scenes_root, monkeypatch) -> None:
    snippets(PAGE).write_configs(glyph_scenes_root)
    monkeypatch.chdir(glyph_scenes_root)
    cfg = Config.fromfile('glyph_scenes_split1_1shot.py')
    dataset = build_dataset(cfg.data.train)
    assert type(dataset).__name__ == 'GlyphScenesVOCDefaultDataset'
    assert len(dataset.CLASSES) == 20
    labels = np.concatenate([dataset.get_ann_info(i)['labels'] for i in range(len(dataset))])
    assert set(labels.tolist()) == set(range(20))  # every class of split 1 has its shot(s)
    assert dataset[0]['img'].ndim == 3
