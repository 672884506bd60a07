import copy

import numpy as np
import pytest

from mmfewshot.detection.datasets import (
    COCO_SPLIT,
    VOC_SPLIT,
    FewShotCocoDefaultDataset,
    FewShotVOCDefaultDataset,
    generate_coco_few_shot_splits,
    generate_voc_few_shot_splits,
)
from mmfewshot.registry import DATASETS

METHODS = ['TFA', 'FSCE', 'Attention_RPN', 'MPSR', 'MetaRCNN', 'FSDetView']


def test_voc_default_table_has_every_method_and_setting():
    table = FewShotVOCDefaultDataset.default_ann_config()
    assert sorted(table) == sorted(METHODS)
    expected = {f'SPLIT{n}_{k}SHOT' for n in (1, 2, 3) for k in (1, 2, 3, 5, 10)}
    for method in METHODS:
        assert set(table[method]) == expected
    entries = table['TFA']['SPLIT2_5SHOT']
    assert [c for _, c in entries] == list(VOC_SPLIT['ALL_CLASSES_SPLIT2'])
    assert entries[0] == ('benchmark_5shot/box_5shot_bicycle_train.txt', 'bicycle')


def test_coco_default_table_has_every_method_and_setting():
    table = FewShotCocoDefaultDataset.default_ann_config()
    for method in METHODS:
        extra = {'Official_10SHOT'} if method == 'Attention_RPN' else set()
        assert set(table[method]) == {'10SHOT', '30SHOT'} | extra
    assert table['TFA']['30SHOT'][9] == (
        'benchmark_30shot/full_box_30shot_traffic light_trainval.json',
        'traffic light',
    )
    assert table['Attention_RPN']['Official_10SHOT'] == (
        ('attention_rpn_10shot/official_10_shot_from_instances_train2017.json', None),
    )


@pytest.fixture
def voc_splits(voc_many):
    out = voc_many / 'data' / 'few_shot_ann' / 'voc'
    prefix = str(voc_many / 'VOCdevkit')
    lists = ['VOC2007/ImageSets/Main/trainval.txt']
    generate_voc_few_shot_splits(prefix, lists, str(out), shots=[1, 2], seeds=[0, 1])
    return voc_many


def build_voc(root, ann_cfg, **kwargs):
    cfg = dict(
        type='FewShotVOCDefaultDataset',
        ann_cfg=ann_cfg,
        img_prefix=str(root / 'VOCdevkit'),
        classes='ALL_CLASSES_SPLIT1',
    )
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def class_counts(ds):
    labels = np.concatenate([i['ann']['labels'] for i in ds.data_infos])
    return np.bincount(labels, minlength=len(ds.CLASSES)).tolist()


def test_voc_default_reads_generated_splits(voc_splits):
    before = FewShotVOCDefaultDataset.default_ann_config()
    ann_cfg = [dict(method='TFA', setting='SPLIT1_2SHOT', ann_root=str(voc_splits))]
    ds = build_voc(voc_splits, ann_cfg, num_novel_shots=2, num_base_shots=2)
    assert class_counts(ds) == [2] * 20
    assert ds.ann_cfg == ann_cfg  # the method/setting form is kept (e.g. for checkpoints)
    # building again with ann_root works: nothing accumulated in a class-level table
    again = build_voc(voc_splits, copy.deepcopy(ann_cfg), num_novel_shots=2, num_base_shots=2)
    assert len(again) == len(ds)
    assert FewShotVOCDefaultDataset.default_ann_config() == before
    seed1 = build_voc(
        voc_splits, [dict(method='FSCE', setting='SPLIT1_1SHOT', seed=1, ann_root=str(voc_splits))]
    )
    assert class_counts(seed1) == [1] * 20


def test_voc_default_reads_only_the_classes_it_needs(voc_splits):
    # remove a base-class file: a novel-only dataset does not need it
    (voc_splits / 'data/few_shot_ann/voc/benchmark_1shot/box_1shot_aeroplane_train.txt').unlink()
    ds = build_voc(
        voc_splits,
        [dict(method='Attention_RPN', setting='SPLIT1_1SHOT', ann_root=str(voc_splits))],
        classes='NOVEL_CLASSES_SPLIT1',
    )
    assert class_counts(ds) == [1] * 5
    with pytest.raises(FileNotFoundError, match=r'box_1shot_aeroplane_train\.txt'):
        build_voc(
            voc_splits, [dict(method='TFA', setting='SPLIT1_1SHOT', ann_root=str(voc_splits))]
        )


@pytest.mark.parametrize(
    ('entry', 'error', 'match'),
    [
        (dict(method='TFB', setting='SPLIT1_1SHOT'), KeyError, "unknown method 'TFB'"),
        (dict(method='TFA', setting='SPILT1_1shot'), KeyError, "unknown setting 'SPILT1_1shot'"),
        (dict(method='TFA', setting='SPLIT4_1SHOT'), KeyError, "unknown setting 'SPLIT4_1SHOT'"),
        (dict(method='TFA'), TypeError, r'must be dict\(method=..., setting=...\)'),
        (
            dict(method='TFA', setting='SPLIT1_1SHOT', root='x'),
            KeyError,
            r"unknown keys \['root'\]",
        ),
        (dict(method='TFA', setting='SPLIT1_1SHOT', seed=-1), ValueError, 'seed=-1'),
    ],
)
def test_voc_default_bad_entries(tmp_path, entry, error, match):
    with pytest.raises(error, match=match):
        build_voc(tmp_path, [entry])


def test_coco_default_reads_generated_and_official_files(tmp_path, make_coco, coco_ann_fn):
    names = list(COCO_SPLIT['ALL_CLASSES'])
    cats = [{'id': i + 1, 'name': n} for i, n in enumerate(names)]
    imgs, anns = [], []
    for k in range(1, 13):
        imgs.append(
            {'id': k, 'file_name': f'COCO_train2014_{k:012d}.jpg', 'width': 60, 'height': 60}
        )
        anns.append(coco_ann_fn(k, k, 1, [1, 1, 20, 20]))  # person
        anns.append(coco_ann_fn(100 + k, k, 3, [30, 30, 20, 20]))  # car
    src = make_coco(tmp_path / 'train.json', imgs, anns, cats)
    out = tmp_path / 'data' / 'few_shot_ann' / 'coco'
    generate_coco_few_shot_splits(src, str(out), classes=['person', 'car'], shots=[10])
    ds = DATASETS.build(
        dict(
            type='FewShotCocoDefaultDataset',
            ann_cfg=[dict(method='MPSR', setting='10SHOT', ann_root=str(tmp_path))],
            classes=['person', 'car'],
            img_prefix='data/coco/',
        )
    )
    assert class_counts(ds) == [10, 10]
    assert ds.cat_ids == [1, 3]
    official = out / 'attention_rpn_10shot' / 'official_10_shot_from_instances_train2017.json'
    make_coco(official, [dict(i, file_name=f'{i["id"]:012d}.jpg') for i in imgs], anns, cats)
    ds = DATASETS.build(
        dict(
            type='FewShotCocoDefaultDataset',
            ann_cfg=[
                dict(method='Attention_RPN', setting='Official_10SHOT', ann_root=str(tmp_path))
            ],
            classes='ALL_CLASSES',
        )
    )
    assert len(ds) == 12
    assert ds.data_infos[0]['filename'] == 'train2017/000000000001.jpg'
    with pytest.raises(KeyError, match="unknown setting 'Official_10SHOT' for method 'TFA'"):
        DATASETS.build(
            dict(
                type='FewShotCocoDefaultDataset',
                classes='ALL_CLASSES',
                ann_cfg=[dict(method='TFA', setting='Official_10SHOT')],
            )
        )
