from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from mmfewshot.classification.datasets import (
    BaseFewShotDataset,
    ClassBalancedDataset,
    ConcatDataset,
    EpisodicDataset,
    GlyphsDataset,
    MetaTestDataset,
    RepeatDataset,
    build_dataloader,
    build_dataset,
    build_meta_test_dataloader,
    label_wrapper,
)
from mmfewshot.classification.datasets.glyphs_generator import generate_glyphs
from mmfewshot.utils import DataContainer

Make = Callable[..., BaseFewShotDataset]

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', mean=[0.0, 0.0, 0.0], std=[255.0, 255.0, 255.0], to_rgb=False),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]
META_TEST_CFG: dict[str, Any] = dict(
    num_episodes=3,
    num_ways=3,
    num_shots=1,
    num_queries=2,
    fast_test=True,
    test_set=dict(batch_size=5, num_workers=0),
    support=dict(batch_size=3, num_workers=0),
    query=dict(batch_size=4, num_workers=0),
)


@pytest.fixture(scope='module')
def glyphs_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp('glyph_data') / 'glyphs'
    generate_glyphs(
        root,
        seed=0,
        image_size=16,
        images_per_class=4,
        num_classes={'train': 5, 'val': 3, 'test': 4},
        scripts={'train': ('lisu',), 'val': ('armenian',), 'test': ('hebrew',)},
        show_progress=False,
    )
    return str(root)


def _glyphs(root: str, subset: str = 'train') -> dict[str, Any]:
    return dict(type='GlyphsDataset', data_prefix=root, subset=subset, pipeline=PIPELINE)


def test_build_dataset_plain_and_concat(glyphs_root: str) -> None:
    train = build_dataset(_glyphs(glyphs_root))
    assert isinstance(train, GlyphsDataset)
    assert len(train) == 20
    both = build_dataset([_glyphs(glyphs_root), _glyphs(glyphs_root, 'test')])
    assert isinstance(both, ConcatDataset)
    assert len(both) == 36
    assert both.CLASSES == train.CLASSES
    same = build_dataset(dict(type='ConcatDataset', datasets=[_glyphs(glyphs_root)] * 2))
    assert len(same) == 40


def test_build_dataset_repeat_and_class_balanced(glyphs_root: str) -> None:
    repeated = build_dataset(dict(type='RepeatDataset', times=3, dataset=_glyphs(glyphs_root)))
    assert isinstance(repeated, RepeatDataset)
    assert len(repeated) == 60
    # Balanced classes (4 images each): nothing is oversampled.
    balanced = build_dataset(
        dict(type='ClassBalancedDataset', oversample_thr=0.1, dataset=_glyphs(glyphs_root))
    )
    assert isinstance(balanced, ClassBalancedDataset)
    assert len(balanced) == 20


def test_build_dataset_passes_default_args_inside_wrappers(glyphs_root: str) -> None:
    cfg = dict(type='RepeatDataset', times=2, dataset=dict(type='GlyphsDataset', subset='test'))
    built = build_dataset(cfg, default_args=dict(data_prefix=glyphs_root, pipeline=PIPELINE))
    assert len(built) == 2 * 16
    assert cfg == dict(
        type='RepeatDataset', times=2, dataset=dict(type='GlyphsDataset', subset='test')
    )


def test_build_dataset_errors(glyphs_root: str) -> None:
    with pytest.raises(KeyError, match="has no 'type' key"):
        build_dataset(dict(data_prefix=glyphs_root))
    with pytest.raises(KeyError, match="type 'EpisodicDataset' needs `dataset`"):
        build_dataset(dict(type='EpisodicDataset', num_episodes=2))
    with pytest.raises(KeyError, match='ConcatDataset config needs `datasets`'):
        build_dataset(dict(type='ConcatDataset'))
    with pytest.raises(TypeError, match='must be a dataset config dict'):
        build_dataset('GlyphsDataset')


def test_episodic_training_batches_end_to_end(glyphs_root: str) -> None:
    cfg = dict(
        type='EpisodicDataset',
        num_episodes=6,
        num_ways=3,
        num_shots=2,
        num_queries=1,
        episodes_seed=5,
        dataset=_glyphs(glyphs_root),
    )
    episodic = build_dataset(cfg)
    assert isinstance(episodic, EpisodicDataset)
    loader = build_dataloader(episodic, samples_per_gpu=2, workers_per_gpu=0, dist=False, seed=0)
    batches = list(loader)
    assert len(batches) == 3
    for batch in batches:
        support, query = batch['support_data'], batch['query_data']
        assert support['img'].shape == (2 * 3 * 2, 3, 16, 16)
        assert query['img'].shape == (2 * 3 * 1, 3, 16, 16)
        # Two episodes, each with labels 0..N-1 (class-major).
        assert support['gt_label'].tolist() == [0, 0, 1, 1, 2, 2] * 2
        assert query['gt_label'].tolist() == [0, 1, 2] * 2
        assert isinstance(support['img_metas'], DataContainer)
        assert len(support['img_metas'].data[0]) == 12
        assert 0.0 <= float(support['img'].min()) <= float(support['img'].max()) <= 1.0
    # The images of each way belong to the episode's class.
    item = episodic[0]
    ways = episodic.get_episode_class_ids(0)
    for sample in item['support_data']:
        folder = sample['img_metas'].data['ori_filename'].split('/')[0]
        assert folder == episodic.CLASSES[ways[int(sample['gt_label'])]]


def test_plain_dataset_loader_uses_collate(glyphs_root: str) -> None:
    dataset = build_dataset(_glyphs(glyphs_root, 'val'))
    loader = build_dataloader(dataset, 4, 0, dist=False, shuffle=False)
    batch = next(iter(loader))
    assert batch['img'].shape == (4, 3, 16, 16)
    assert batch['gt_label'].tolist() == [int(dataset.data_infos[i]['gt_label']) for i in range(4)]


def _meta_test(glyphs_root: str) -> MetaTestDataset:
    cfg = dict(
        type='MetaTestDataset',
        num_episodes=3,
        num_ways=3,
        num_shots=1,
        num_queries=2,
        episodes_seed=0,
        dataset=_glyphs(glyphs_root, 'test'),
    )
    dataset = build_dataset(cfg)
    assert isinstance(dataset, MetaTestDataset)
    return dataset


def test_meta_test_loaders_end_to_end(glyphs_root: str) -> None:
    dataset = _meta_test(glyphs_root)
    support, query, test_set = build_meta_test_dataloader(dataset, META_TEST_CFG)
    assert test_set is not None
    assert len(test_set.dataset) == 16
    # Fast test: extract "features" of the whole test set once and cache them.
    feats, metas = [], []
    for batch in test_set:
        feats.append(batch['img'].mean(dim=(2, 3)))  # (B, 3)
        metas.append(batch['img_metas'])
    support.dataset.cache_feats(feats, metas)
    for task in range(3):
        support.dataset.set_task_id(task)  # shared with the query view
        class_ids = query.dataset.get_task_class_ids()
        assert class_ids == dataset.get_episode_class_ids(task)
        support_labels = torch.cat([b['gt_label'] for b in support])
        assert sorted(label_wrapper(support_labels, class_ids).tolist()) == [0, 1, 2]
        query_batches = list(query)
        assert [len(b['gt_label']) for b in query_batches] == [4, 2]
        query_labels = torch.cat([b['gt_label'] for b in query_batches])
        assert label_wrapper(query_labels, class_ids).tolist() == [0, 0, 1, 1, 2, 2]
        # Cached features equal the features of the same image computed directly.
        idxes = dataset.get_episode_idxes(task)['query']
        first = query_batches[0]['feats'][0]
        direct = dataset.dataset[idxes[0]]['img'].mean(dim=(1, 2))
        torch.testing.assert_close(first, direct)


def test_meta_test_config_with_its_loader_settings_builds(glyphs_root: str) -> None:
    # data.test of a config carries meta_test_cfg beside the dataset arguments
    cfg = dict(
        type='MetaTestDataset',
        num_episodes=2,
        num_ways=3,
        num_shots=1,
        num_queries=2,
        dataset=_glyphs(glyphs_root, 'test'),
        meta_test_cfg=META_TEST_CFG,
    )
    dataset = build_dataset(cfg)
    assert isinstance(dataset, MetaTestDataset)
    assert len(dataset.get_episode_class_ids(1)) == 3
    assert 'meta_test_cfg' in cfg  # the caller's config is untouched


def test_meta_test_loaders_without_fast_test_serve_images(glyphs_root: str) -> None:
    dataset = _meta_test(glyphs_root)
    cfg = {**META_TEST_CFG, 'fast_test': False}
    support, query, test_set = build_meta_test_dataloader(dataset, cfg)
    assert test_set is None
    batch = next(iter(support))
    assert batch['img'].shape == (3, 3, 16, 16)
    assert len(query) == 2  # batches of the current task: 6 queries by 4


def test_meta_test_support_order_is_seeded(glyphs_root: str) -> None:
    def orders(touch_query: bool) -> list[list[str]]:
        support, query, _ = build_meta_test_dataloader(_meta_test(glyphs_root), META_TEST_CFG)
        result = []
        for task in range(3):
            support.dataset.set_task_id(task)
            if touch_query:  # iterating another loader must not shift the support order
                list(query)
            result.append([m['ori_filename'] for b in support for m in b['img_metas'].data[0]])
        return result

    first = orders(False)
    assert first == orders(True)
    assert len({tuple(sorted(o)) for o in first}) == 3


def test_meta_test_dataloader_errors(glyphs_root: str, tiny_fewshot_dataset: Make) -> None:
    dataset = _meta_test(glyphs_root)
    with pytest.raises(KeyError, match=r'meta_test_cfg has no `support`; add support=dict'):
        build_meta_test_dataloader(
            dataset, {k: v for k, v in META_TEST_CFG.items() if k != 'support'}
        )
    with pytest.raises(KeyError, match=r'meta_test_cfg\.query has no batch_size'):
        build_meta_test_dataloader(dataset, {**META_TEST_CFG, 'query': dict(num_workers=0)})
    with pytest.raises(ValueError, match=r'meta_test_cfg.support.batch_size=0 must be'):
        build_meta_test_dataloader(dataset, {**META_TEST_CFG, 'support': dict(batch_size=0)})
    episodic = EpisodicDataset(tiny_fewshot_dataset([3] * 3), 2, 2, 1, 1)
    with pytest.raises(TypeError, match='needs a MetaTestDataset, got EpisodicDataset'):
        build_meta_test_dataloader(episodic, META_TEST_CFG)  # type: ignore[arg-type]


def test_episodes_identical_across_builds(glyphs_root: str) -> None:
    a, b = _meta_test(glyphs_root), _meta_test(glyphs_root)
    np.testing.assert_array_equal(a.query_idxes, b.query_idxes)
    assert Path(glyphs_root, 'meta.json').is_file()
