from __future__ import annotations

import copy
import os.path as osp
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from mmfewshot.classification.datasets import BaseFewShotDataset
from mmfewshot.classification.datasets.dataset_wrappers import EpisodicDataset, MetaTestDataset
from mmfewshot.classification.datasets.utils import label_wrapper
from mmfewshot.registry import DATASETS
from mmfewshot.utils import DataContainer

Make = Callable[..., BaseFewShotDataset]


def _label(dataset: BaseFewShotDataset, idx: int) -> int:
    return int(dataset.data_infos[idx]['gt_label'])


def test_episodes_have_distinct_ways_and_disjoint_support_query(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([8] * 7)
    episodic = EpisodicDataset(dataset, 60, num_ways=5, num_shots=2, num_queries=3, episodes_seed=1)
    assert len(episodic) == 60
    assert episodic.CLASSES == dataset.CLASSES
    for e in range(60):
        ways = episodic.get_episode_class_ids(e)
        idxes = episodic.get_episode_idxes(e)
        assert len(set(ways)) == 5
        assert all(0 <= c < 7 for c in ways)
        assert len(idxes['support']) == 10
        assert len(idxes['query']) == 15
        assert not set(idxes['support']) & set(idxes['query'])
        assert len(set(idxes['support'] + idxes['query'])) == 25
        # Class-major order: way w owns positions w*K .. w*K+K-1.
        assert [_label(dataset, i) for i in idxes['support']] == [c for c in ways for _ in range(2)]
        assert [_label(dataset, i) for i in idxes['query']] == [c for c in ways for _ in range(3)]


def test_getitem_remaps_labels_to_the_episode(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([6] * 5)
    episodic = EpisodicDataset(dataset, 4, num_ways=3, num_shots=2, num_queries=1, episodes_seed=0)
    item = episodic[2]
    assert sorted(item) == ['query_data', 'support_data']
    idxes = episodic.get_episode_idxes(2)
    assert [s['gt_label'] for s in item['support_data']] == [0, 0, 1, 1, 2, 2]
    assert [q['gt_label'] for q in item['query_data']] == [0, 1, 2]
    assert all(isinstance(s['gt_label'], np.int64) for s in item['support_data'])
    files = [s['img_info']['filename'] for s in item['support_data']]
    assert files == [dataset.data_infos[i]['img_info']['filename'] for i in idxes['support']]
    # The episode label is the position of the original class in the episode.
    ways = episodic.get_episode_class_ids(2)
    for q in item['query_data']:
        assert q['img_info']['filename'].startswith(f'class_{ways[q["gt_label"]]}/')
    # The wrapped dataset's infos are untouched.
    assert [int(info['gt_label']) for info in dataset.data_infos] == [
        c for c in range(5) for _ in range(6)
    ]
    assert episodic[-1]['support_data'][0] == episodic[3]['support_data'][0]


def test_episodes_follow_the_seed_and_keep_the_global_stream(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([10] * 9)
    np.random.seed(123)
    state = np.random.get_state()
    first = EpisodicDataset(dataset, 30, 5, 1, 4, episodes_seed=7)
    after = np.random.get_state()
    assert state[0] == after[0]
    np.testing.assert_array_equal(state[1], after[1])
    same = EpisodicDataset(dataset, 30, 5, 1, 4, episodes_seed=7)
    other = EpisodicDataset(dataset, 30, 5, 1, 4, episodes_seed=8)
    np.testing.assert_array_equal(first.episode_class_ids, same.episode_class_ids)
    np.testing.assert_array_equal(first.support_idxes, same.support_idxes)
    np.testing.assert_array_equal(first.query_idxes, same.query_idxes)
    assert not np.array_equal(first.episode_class_ids, other.episode_class_ids)
    assert not np.array_equal(first.query_idxes, other.query_idxes)


def test_episodes_are_uniform(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([6] * 8)
    episodic = EpisodicDataset(dataset, 6000, 4, 1, 2, episodes_seed=0)  # > one draw chunk
    ways = episodic.episode_class_ids
    assert all(len(set(row)) == 4 for row in ways.tolist())
    counts = np.bincount(ways.ravel(), minlength=8)
    assert np.all(np.abs(counts - 3000) < 250)  # each class in half of the episodes
    assert Counter(ways[:, 0].tolist()).most_common(1)[0][1] < 900  # way order is random
    support = np.bincount(episodic.support_idxes.ravel(), minlength=48)
    query = np.bincount(episodic.query_idxes.ravel(), minlength=48)
    # Each image: support in 1/6 and query in 2/6 of its class's 3000 episodes.
    assert np.all(np.abs(support - 500) < 100)
    assert np.all(np.abs(query - 1000) < 150)


def test_all_classes_and_all_images(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([3, 3, 3])
    episodic = EpisodicDataset(dataset, 5, 3, 1, 2, episodes_seed=0)
    for e in range(5):
        assert sorted(episodic.get_episode_class_ids(e)) == [0, 1, 2]
        idxes = episodic.get_episode_idxes(e)
        assert sorted(idxes['support'] + idxes['query']) == list(range(9))


def test_episodic_errors(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([8, 8, 3, 8, 2])
    with pytest.raises(ValueError, match=r'num_ways=6 is larger than the 5 classes of .*at most 5'):
        EpisodicDataset(dataset, 10, 6, 1, 1)
    with pytest.raises(
        ValueError,
        match=r"class 'class_2' \(id 2\) of _TinyFewShotDataset has 3 images, fewer than "
        r'num_shots \+ num_queries = 2 \+ 2 = 4 \(2 class\(es\) too small\); lower',
    ):
        EpisodicDataset(dataset, 10, 2, 2, 2)
    with pytest.raises(ValueError, match='num_shots=0 must be an integer >= 1'):
        EpisodicDataset(dataset, 10, 2, 0, 1)
    with pytest.raises(ValueError, match=r'num_episodes=2\.5 must be an integer'):
        EpisodicDataset(dataset, 2.5, 2, 1, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"lacks \['CLASSES', 'data_infos'"):
        EpisodicDataset([1, 2, 3], 10, 2, 1, 1)
    episodic = EpisodicDataset(dataset, 3, 2, 1, 1, episodes_seed=0)
    with pytest.raises(IndexError, match='episode index 3 is out of range for 3 episodes'):
        episodic[3]


def test_wrappers_are_registered(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([4] * 4)
    built = DATASETS.build(
        dict(
            type='EpisodicDataset',
            dataset=dataset,
            num_episodes=3,
            num_ways=2,
            num_shots=1,
            num_queries=1,
            episodes_seed=0,
        )
    )
    assert isinstance(built, EpisodicDataset)
    assert DATASETS.get('MetaTestDataset') is MetaTestDataset


# MetaTestDataset -------------------------------------------------------------


def _meta(dataset: BaseFewShotDataset, seed: int = 3) -> MetaTestDataset:
    return MetaTestDataset(dataset, 6, num_ways=3, num_shots=2, num_queries=4, episodes_seed=seed)


def test_meta_test_modes_share_the_episodes(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([7] * 5)
    meta = _meta(dataset)
    episodic = EpisodicDataset(dataset, 6, 3, 2, 4, episodes_seed=3)
    np.testing.assert_array_equal(meta.support_idxes, episodic.support_idxes)
    assert meta.mode == 'test_set'
    assert len(meta) == 35
    assert meta[4] == dataset[4]
    support, query = copy.copy(meta).support(), copy.copy(meta).query()
    assert (meta.mode, support.mode, query.mode) == ('test_set', 'support', 'query')
    for task in (0, 4):
        support.set_task_id(task)
        assert query.task_id == task  # views share the task
        idxes = meta.get_episode_idxes(task)
        assert len(support) == 6
        assert len(query) == 12
        assert [support[i]['img_info'] for i in range(6)] == [
            dataset.data_infos[i]['img_info'] for i in idxes['support']
        ]
        # Items keep the dataset's labels; label_wrapper maps them to the task's ways.
        labels = [int(query[i]['gt_label']) for i in range(12)]
        assert meta.get_task_class_ids() == meta.get_episode_class_ids(task)
        assert meta.get_task_class_ids(1) == meta.get_episode_class_ids(1)
        assert label_wrapper(labels, meta.get_task_class_ids()) == [
            w for w in range(3) for _ in range(4)
        ]
    assert len(meta) == 35  # the test-set view is unaffected by the task


def test_meta_test_bad_mode_and_task(tiny_fewshot_dataset: Make) -> None:
    meta = _meta(tiny_fewshot_dataset([7] * 5))
    with pytest.raises(ValueError, match=r"mode='train' does not exist; use one of"):
        meta.set_mode('train')
    with pytest.raises(IndexError, match='episode index 6 is out of range for 6 episodes'):
        meta.set_task_id(6)


def _test_set_features(dataset: BaseFewShotDataset) -> tuple[torch.Tensor, list[dict[str, Any]]]:
    feats = torch.arange(len(dataset), dtype=torch.float32)[:, None] * torch.tensor([1.0, -1.0])
    metas = [
        {
            'filename': osp.join(info['img_prefix'], info['img_info']['filename']),
            'ori_filename': info['img_info']['filename'],
        }
        for info in dataset.data_infos
    ]
    return feats, metas


def test_meta_test_serves_cached_features(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([7] * 5)
    meta = _meta(dataset)
    support, query = copy.copy(meta).support(), copy.copy(meta).query()
    assert not support.with_cache_feats
    feats, metas = _test_set_features(dataset)
    # Batches of a loader: a list of (B, D) tensors and collated DataContainers of metas.
    batches = [feats[:20], feats[20:]]
    containers = [
        DataContainer([metas[:20]], cpu_only=True),
        DataContainer([metas[20:]], cpu_only=True),
    ]
    meta.cache_feats(batches, containers)
    assert support.with_cache_feats
    assert query.with_cache_feats
    query.set_task_id(2)
    idxes = meta.get_episode_idxes(2)
    for pos, data_idx in enumerate(idxes['query']):
        item = query[pos]
        assert sorted(item) == ['feats', 'gt_label', 'img_metas']
        torch.testing.assert_close(
            item['feats'], torch.tensor([data_idx, -data_idx], dtype=torch.float32)
        )
        assert item['gt_label'].dtype == torch.int64
        assert int(item['gt_label']) == _label(dataset, data_idx)
        assert item['img_metas'].cpu_only
        assert item['img_metas'].data == metas[data_idx]
    assert int(support[0]['feats'][0]) == idxes['support'][0]
    meta.clear_cached_feats()
    assert not query.with_cache_feats
    assert 'img_info' in query[0]


def test_meta_test_cache_by_relative_filename_and_errors(tiny_fewshot_dataset: Make) -> None:
    dataset = tiny_fewshot_dataset([7] * 5)
    meta = _meta(dataset)
    feats, metas = _test_set_features(dataset)
    only_ori = [{'ori_filename': m['ori_filename']} for m in metas]
    with pytest.raises(ValueError, match='cache_feats got 35 feature rows but 34 img_metas'):
        meta.cache_feats(feats, only_ori[:-1])
    with pytest.raises(KeyError, match=r"image 'elsewhere/x.png' of img_metas is not in _TinyFew"):
        meta.cache_feats(feats[:1], [{'filename': 'elsewhere/x.png'}])
    meta.clear_cached_feats()
    meta.cache_feats(feats[:10], only_ori[:10])  # part of the test set only
    support = copy.copy(meta).support()
    support.set_task_id(0)
    idxes = meta.get_episode_idxes(0)['support']
    for pos, data_idx in enumerate(idxes):
        if data_idx < 10:
            assert int(support[pos]['feats'][0]) == data_idx
        else:
            with pytest.raises(
                KeyError, match=r'no cached feature for .*pass the features of the whole'
            ):
                support[pos]
    with pytest.raises(ValueError, match='cache_feats got 3-d features but 2-d ones are cached'):
        meta.cache_feats(torch.zeros(1, 3), only_ori[:1])
