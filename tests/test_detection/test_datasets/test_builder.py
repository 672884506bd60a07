"""Tests of the detection build_dataset / build_dataloader (wrappers, copies, saving, loaders)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from mmfewshot.detection.datasets import (
    NWayKShotDataloader,
    NWayKShotDataset,
    QueryAwareDataset,
    TwoBranchDataloader,
    TwoBranchDataset,
    build_dataloader,
    build_dataset,
    generate_glyph_scenes,
)
from mmfewshot.registry import DATASETS
from mmfewshot.utils import DataContainer, GroupSampler, InfiniteGroupSampler, InfiniteSampler

NORM = dict(type='Normalize', mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], to_rgb=False)
QUERY = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', img_scale=(96, 96), keep_ratio=True),
    NORM,
    dict(type='Pad', size_divisor=32),
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
]
SUPPORT = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='CropResizeInstance', num_context_pixels=8, target_size=(48, 48)),
    NORM,
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
]


@pytest.fixture(scope='module')
def voc_cfg(tmp_path_factory):
    root = tmp_path_factory.mktemp('builder') / 'gs'
    generate_glyph_scenes(
        str(root),
        seed=4,
        num_trainval_2007=70,
        num_test_2007=2,
        num_trainval_2012=0,
        shots=(1,),
        show_progress=False,
    )
    return dict(
        type='GlyphScenesVOCDataset',
        ann_cfg=[
            dict(
                type='ann_file',
                ann_file=str(root / 'VOCdevkit/VOC2007/ImageSets/Main/trainval.txt'),
            )
        ],
        img_prefix=str(root / 'VOCdevkit'),
        classes='ALL_CLASSES_SPLIT1',
        multi_pipelines=dict(query=QUERY, support=SUPPORT),
    )


# ----------------------------------------------------------------------------- build_dataset


def test_build_leaf_dataset_with_default_args_and_untouched_cfg(voc_cfg):
    cfg = copy.deepcopy(voc_cfg)
    cfg['save_dataset'] = False
    before = copy.deepcopy(cfg)
    dataset = build_dataset(cfg, default_args=dict(dataset_name='from_default_args'))
    assert type(dataset).__name__ == 'GlyphScenesVOCDataset'
    assert len(dataset) == 70
    assert cfg == before


def test_query_aware_copies_support_from_query(voc_cfg):
    cfg = dict(
        type='QueryAwareDataset',
        num_support_ways=2,
        num_support_shots=2,
        repeat_times=2,
        seed=1,
        dataset=voc_cfg,
        support_dataset=dict(copy_from_query_dataset=True, instance_wise=False),
    )
    before = copy.deepcopy(cfg)
    dataset = build_dataset(cfg)
    assert cfg == before
    assert isinstance(dataset, QueryAwareDataset)
    assert len(dataset) == 140
    support = dataset.support_dataset
    assert type(support).__name__ == 'GlyphScenesVOCCopyDataset'
    assert support is not dataset.query_dataset
    assert support.CLASSES == dataset.query_dataset.CLASSES
    assert [i['filename'] for i in support.data_infos] == [
        i['filename'] for i in dataset.query_dataset.data_infos
    ]
    assert support.data_infos[0]['ann'] is not dataset.query_dataset.data_infos[0]['ann']


def test_nway_kshot_and_default_num_used_support_shots(voc_cfg):
    cfg = dict(
        type='NWayKShotDataset',
        num_support_ways=3,
        num_support_shots=1,
        one_support_shot_per_image=True,
        dataset=voc_cfg,
        support_dataset=dict(copy_from_query_dataset=True, instance_wise=True),
    )
    dataset = build_dataset(cfg)
    assert isinstance(dataset, NWayKShotDataset)
    assert dataset.num_used_support_shots == 200  # the class default, also when built from a cfg
    query_instances = sum(
        len(d.get_ann_info(i)['labels']) for d in [dataset.query_dataset] for i in range(70)
    )
    assert len(dataset.support_dataset) == query_instances  # instance-wise copy
    assert type(dataset.support_dataset).__name__ == 'GlyphScenesVOCCopyDataset'


def test_two_branch_copies_auxiliary_from_main(voc_cfg):
    main = dict(voc_cfg, multi_pipelines=dict(main=QUERY, auxiliary=SUPPORT))
    cfg = dict(
        type='TwoBranchDataset',
        dataset=main,
        auxiliary_dataset=dict(copy_from_main_dataset=True, instance_wise=True),
    )
    dataset = build_dataset(cfg)
    assert isinstance(dataset, TwoBranchDataset)
    instances = sum(len(dataset.main_dataset.get_ann_info(i)['labels']) for i in range(70))
    assert len(dataset.auxiliary_dataset) == instances


def test_save_dataset_writes_on_rank_zero_only(voc_cfg, tmp_path):
    cfg = dict(
        type='NWayKShotDataset',
        num_support_ways=2,
        num_support_shots=1,
        save_dataset=True,
        dataset=voc_cfg,
    )
    build_dataset(cfg, rank=1, work_dir=str(tmp_path), timestamp='t0')
    assert list(tmp_path.iterdir()) == []
    dataset = build_dataset(cfg, rank=0, work_dir=str(tmp_path), timestamp='t1')
    saved = json.loads((tmp_path / 't1_saved_data.json').read_text())
    assert len(saved) == 1 + len(dataset.query_dataset)
    support = json.loads((tmp_path / 't1_saved_data.support_shot.json').read_text())
    assert len(support) == 1 + sum(len(v) for v in dataset.data_infos_by_class.values())
    # the support file reloads as a saved dataset: one box per info
    reloaded = build_dataset(
        dict(
            voc_cfg,
            ann_cfg=[
                dict(
                    type='saved_dataset', ann_file=str(tmp_path / 't1_saved_data.support_shot.json')
                )
            ],
            instance_wise=True,
        )
    )
    pools = sorted(
        (dataset.query_dataset.data_infos[i]['filename'], c)
        for c, pool in dataset.data_infos_by_class.items()
        for i, _ in pool
    )
    assert (
        sorted((info['filename'], int(info['ann']['labels'][0])) for info in reloaded.data_infos)
        == pools
    )
    with pytest.raises(ValueError, match=r'save_dataset=True needs work_dir and timestamp'):
        build_dataset(cfg, rank=0)
    # without a rank, a process outside any process group is rank 0 and saves
    build_dataset(cfg, work_dir=str(tmp_path), timestamp='t2')
    assert (tmp_path / 't2_saved_data.json').is_file()


def test_list_repeat_and_class_balanced_configs(voc_cfg):
    test_cfg = dict(
        voc_cfg,
        ann_cfg=[
            dict(
                type='ann_file',
                ann_file=voc_cfg['ann_cfg'][0]['ann_file'].replace('trainval', 'test'),
            )
        ],
    )
    before = copy.deepcopy([voc_cfg, test_cfg])
    concat = build_dataset([voc_cfg, test_cfg])
    assert [voc_cfg, test_cfg] == before
    assert type(concat).__name__ == 'ConcatDataset'
    assert len(concat) == 72
    assert concat.flag.shape == (72,)
    assert concat.CLASSES == concat.datasets[0].CLASSES
    assert concat.get_cat_ids(71) == concat.datasets[1].get_cat_ids(1)
    same = build_dataset(dict(type='ConcatDataset', datasets=[voc_cfg, test_cfg]))
    assert len(same) == 72
    repeat = build_dataset(dict(type='RepeatDataset', times=3, dataset=voc_cfg))
    assert len(repeat) == 210
    assert repeat.get_cat_ids(70) == repeat.dataset.get_cat_ids(0)
    balanced = build_dataset(dict(type='ClassBalancedDataset', oversample_thr=0.5, dataset=voc_cfg))
    # every class occurs in well under half of the 70 images, so every image is repeated
    assert len(balanced) > 70
    assert balanced.flag.shape == (len(balanced),)


def test_list_config_rejects_save_dataset(voc_cfg):
    with pytest.raises(ValueError, match=r'save_dataset=True in element 1 of a list'):
        build_dataset([voc_cfg, dict(voc_cfg, save_dataset=True)])


def test_wrapper_config_without_dataset_names_the_key():
    with pytest.raises(KeyError, match=r"'QueryAwareDataset' needs `dataset`; add it"):
        build_dataset(dict(type='QueryAwareDataset', num_support_ways=1, num_support_shots=1))
    with pytest.raises(KeyError, match='has no `type`'):
        build_dataset(dict(ann_cfg=[]))


# ----------------------------------------------------------------------------- build_dataloader


class ToyItems:
    """Images 2x2 with DataContainer items; flag and labels like a detection dataset."""

    CLASSES = ('a', 'b', 'c')

    def __init__(self, n=12):
        self.labels = [np.array([i % 3, (i + 1) % 3]) for i in range(n)]
        self.flag = np.zeros(n, np.uint8)
        self.data_infos = [dict(filename=f'{i}.jpg', ann=dict()) for i in range(n)]

    def __len__(self):
        return len(self.labels)

    def get_ann_info(self, idx):
        return dict(labels=self.labels[idx], bboxes=np.zeros((2, 4), np.float32))

    def prepare_train_img(self, idx, pipeline_key=None, gt_idx=None):
        labels = self.labels[idx] if gt_idx is None else self.labels[idx][gt_idx]
        return dict(
            img=DataContainer(torch.full((3, 2, 2), float(idx)), stack=True),
            gt_labels=DataContainer(torch.as_tensor(labels)),
            img_metas=DataContainer(dict(idx=idx, key=pipeline_key), cpu_only=True),
        )

    def __getitem__(self, idx):
        return self.prepare_train_img(idx)


def test_plain_dataset_group_and_infinite_samplers():
    loader = build_dataloader(ToyItems(), 4, 0, dist=False, seed=0)
    assert isinstance(loader, DataLoader)
    assert isinstance(loader.sampler, GroupSampler)
    batch = next(iter(loader))
    assert batch['img'].data[0].shape == (4, 3, 2, 2)
    infinite = build_dataloader(ToyItems(), 4, 0, dist=False, seed=0, use_infinite_sampler=True)
    assert isinstance(infinite.sampler, InfiniteGroupSampler)
    plain = build_dataloader(ToyItems(), 4, 0, dist=False, shuffle=False, use_infinite_sampler=True)
    assert isinstance(plain.sampler, InfiniteSampler)


def test_query_aware_loader_uses_multi_pipeline_collate():
    dataset = QueryAwareDataset(ToyItems(), None, 2, 2, seed=0)
    loader = build_dataloader(dataset, 2, 0, dist=False, seed=0)
    batch = next(iter(loader))
    assert batch['query_data']['img'].data[0].shape == (2, 3, 2, 2)
    # 2 queries x (2 ways x 2 shots) supports, flattened into one chunk
    assert batch['support_data']['img'].data[0].shape == (8, 3, 2, 2)
    assert len(batch['support_data']['img_metas'].data[0]) == 8


def test_nway_kshot_loader_zips_query_and_support_batches():
    dataset = NWayKShotDataset(ToyItems(), None, 3, 2, seed=0)
    loader = build_dataloader(dataset, 4, 0, dist=False, seed=0, data_cfg=dict())
    assert isinstance(loader, NWayKShotDataloader)
    assert len(loader) == 3
    assert dataset.mode == 'query'  # the support loader uses a copy
    support = loader.support_data_loader.dataset
    assert support.mode == 'support'
    assert len(support) == 3
    batches = list(loader)
    assert len(batches) == 3
    for batch in batches:
        assert batch['query_data']['img'].data[0].shape == (4, 3, 2, 2)
        assert batch['support_data']['img'].data[0].shape == (6, 3, 2, 2)
        labels = [int(t) for t in batch['support_data']['gt_labels'].data[0]]
        assert len(set(labels[0:2])) == 1
        assert len(set(labels)) == 3
    two = build_dataloader(dataset, 4, 0, dist=False, data_cfg=dict(support_samples_per_gpu=2))
    assert next(iter(two))['support_data']['img'].data[0].shape == (12, 3, 2, 2)


def test_two_branch_loader_with_auxiliary_settings():
    dataset = TwoBranchDataset(ToyItems(12), ToyItems(6))
    loader = build_dataloader(
        dataset, 3, 0, dist=False, seed=0, data_cfg=dict(auxiliary_samples_per_gpu=2)
    )
    assert isinstance(loader, TwoBranchDataloader)
    assert len(loader) == 4
    batches = list(loader)
    assert len(batches) == 4
    assert batches[0]['main_data']['img'].data[0].shape == (3, 3, 2, 2)
    assert batches[0]['auxiliary_data']['img'].data[0].shape == (2, 3, 2, 2)
    assert {m['key'] for m in batches[0]['auxiliary_data']['img_metas'].data[0]} == {'auxiliary'}


def test_real_query_aware_pipeline_end_to_end(voc_cfg):
    dataset = build_dataset(
        dict(
            type='QueryAwareDataset',
            num_support_ways=2,
            num_support_shots=1,
            seed=0,
            dataset=voc_cfg,
        )
    )
    loader = build_dataloader(dataset, 2, 0, dist=False, seed=0)
    batch = next(iter(loader))
    query, support = batch['query_data'], batch['support_data']
    assert query['img'].data[0].shape[:2] == (2, 3)
    assert query['img'].data[0].shape[2] % 32 == 0
    assert support['img'].data[0].shape == (4, 3, 48, 48)
    for metas, labels in zip(query['img_metas'].data[0], query['gt_labels'].data[0], strict=True):
        assert labels.numel() >= 1
        assert metas['img_shape'][0] <= 96
    assert DATASETS.get('QueryAwareDataset') is QueryAwareDataset


def test_query_aware_worker_streams_are_reproducible():
    def run(loader_seed):
        # the loader seed fixes the DataLoader's worker seeds, from which each
        # worker derives its own support-sampling stream
        dataset = QueryAwareDataset(ToyItems(8), None, 2, 3, seed=0)
        loader = build_dataloader(dataset, 1, 2, dist=False, shuffle=False, seed=loader_seed)
        return [[m['idx'] for m in b['support_data']['img_metas'].data[0]] for b in loader]

    first = run(0)
    assert len(first) == 8
    assert run(0) == first
    assert run(1) != first
