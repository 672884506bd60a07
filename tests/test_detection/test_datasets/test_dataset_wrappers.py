"""Tests of QueryAwareDataset, NWayKShotDataset and TwoBranchDataset on a small stand-in dataset."""

from __future__ import annotations

import copy
import json
import math
import types
import warnings
from collections import Counter

import numpy as np
import pytest

from mmfewshot.detection.datasets import _worker_rng
from mmfewshot.detection.datasets.dataset_wrappers import (
    NWayKShotDataset,
    QueryAwareDataset,
    TwoBranchDataset,
)
from mmfewshot.registry import DATASETS

CLASSES = ('a', 'b', 'c', 'd')
# labels of the gt boxes of each image
IMAGES = [[0, 0, 1], [0], [1, 2], [2], [3, 3], [0, 3], [1], [2, 3]]


class ToyDataset:
    """Mimics the parts of BaseFewShotDataset the wrappers use."""

    def __init__(self, images=IMAGES, classes=CLASSES, folder='VOC2007', img_prefix='toy/'):
        self.CLASSES = tuple(classes)
        self.img_prefix = img_prefix
        self.data_infos = []
        for i, labels in enumerate(images):
            boxes = np.array([[i, g, i + 5, g + 5] for g in range(len(labels))], np.float32)
            self.data_infos.append(
                dict(
                    id=f'{i:06d}',
                    filename=f'{folder}/JPEGImages/{i:06d}.jpg',
                    width=50,
                    height=40,
                    ann=dict(bboxes=boxes.reshape(-1, 4), labels=np.array(labels, np.int64)),
                )
            )
        self.flag = np.ones(len(images), np.uint8)
        self.saved = []

    def __len__(self):
        return len(self.data_infos)

    def get_ann_info(self, idx):
        return copy.deepcopy(self.data_infos[idx]['ann'])

    def prepare_train_img(self, idx, pipeline_key=None, gt_idx=None):
        ann = self.data_infos[idx]['ann']
        sel = list(range(len(ann['labels']))) if gt_idx is None else list(gt_idx)
        return dict(
            idx=idx,
            pipeline_key=pipeline_key,
            gt_idx=sel,
            gt_labels=ann['labels'][sel].tolist(),
            filename=self.data_infos[idx]['filename'],
        )

    def save_data_infos(self, output_path):
        self.saved.append(output_path)
        with open(output_path, 'w') as f:
            json.dump([{'CLASSES': list(self.CLASSES)}], f)


def classes_of(idx):
    return set(IMAGES[idx])


# ----------------------------------------------------------------------------- QueryAwareDataset


def query_aware(ways=2, shots=2, seed=0, **kw):
    with warnings.catch_warnings():  # several toy classes have few instances
        warnings.simplefilter('ignore')
        return QueryAwareDataset(ToyDataset(), None, ways, shots, seed=seed, **kw)


def test_query_aware_is_registered():
    assert DATASETS.get('QueryAwareDataset') is QueryAwareDataset


def test_query_aware_positive_first_and_negatives_absent_from_query():
    dataset = query_aware(ways=3, shots=2)
    for _ in range(3):
        for idx in range(len(dataset)):
            item = dataset[idx]
            query, support = item['query_data'], item['support_data']
            qidx = query['idx']
            (pos,) = query['query_class']
            assert query['pipeline_key'] == 'query'
            # the query's boxes are reduced to the positive class
            assert query['gt_labels'] == [pos] * IMAGES[qidx].count(pos)
            assert len(support) == 3 * 2
            assert all(s['pipeline_key'] == 'support' and len(s['gt_idx']) == 1 for s in support)
            labels = [s['gt_labels'][0] for s in support]
            assert labels[:2] == [pos, pos]
            ways = [labels[2:4], labels[4:6]]
            for way in ways:
                assert way[0] == way[1]
                assert way[0] not in classes_of(qidx)
            assert ways[0][0] != ways[1][0]


def test_query_aware_positive_supports_avoid_the_query_image():
    dataset = query_aware(ways=2, shots=1)
    for _ in range(5):
        for idx in range(len(dataset)):
            item = dataset[idx]
            qidx = item['query_data']['idx']
            pos = item['query_data']['query_class'][0]
            others = [i for i, labels in enumerate(IMAGES) if pos in labels and i != qidx]
            assert others, 'every toy class occurs in at least two images'
            assert item['support_data'][0]['idx'] != qidx


def test_query_aware_sample_support_shots_distinct_then_repeated():
    dataset = query_aware(ways=2, shots=3)
    # class 0 has instances (0,0) (0,1) (1,0) (5,0); excluding image 0 leaves 2 < 3 shots
    shots = dataset.sample_support_shots(0, 0)
    assert len(shots) == 3
    assert all(s[0] != 0 for s in shots)
    assert Counter(shots).most_common(1)[0][1] == math.ceil(3 / 2)
    assert set(shots) == {(1, 0), (5, 0)}
    # allowing the query image gives 4 candidates: 3 distinct shots
    shots = dataset.sample_support_shots(0, 0, allow_same_image=True)
    assert len(set(shots)) == 3
    assert set(shots) <= {(0, 0), (0, 1), (1, 0), (5, 0)}


def test_query_aware_generate_support_layout():
    dataset = query_aware(ways=3, shots=2)
    support = dataset.generate_support(3, 2, [0, 1])
    assert len(support) == 6
    labels = [IMAGES[i][g] for i, g in support]
    assert labels == [2, 2, 0, 0, 1, 1]
    assert all(i != 3 for i, _ in support[:2])


def test_query_aware_single_image_class_uses_the_query_image():
    images = [[0, 0], [1], [1], [2]]
    with pytest.warns(UserWarning, match=r"classes \['a', 'c'\] occur in one image only"):
        dataset = QueryAwareDataset(ToyDataset(images, CLASSES[:3]), None, 2, 2, seed=0)
    shots = dataset.generate_support(0, 0, [2])
    assert set(shots[:2]) == {(0, 0), (0, 1)}


def test_query_aware_warns_when_shots_must_repeat():
    # every class has 3 or 4 instances, at most 1 or 2 of them in one image: 2 < 3 shots
    with pytest.warns(
        UserWarning, match=r"classes \['a', 'b', 'c', 'd'\] may have fewer support instances.*=3"
    ):
        QueryAwareDataset(ToyDataset(), None, 2, 3)


def test_query_aware_repeat_times_and_flag():
    dataset = query_aware(ways=2, shots=1, repeat_times=3)
    assert len(dataset) == 3 * len(IMAGES)
    assert dataset.flag.shape == (24,)
    assert not dataset.flag.any()
    assert dataset[len(IMAGES) + 3]['query_data']['idx'] == 3


def test_query_aware_same_seed_same_items_other_seed_differs():
    def run(seed):
        dataset = query_aware(ways=2, shots=2, seed=seed)
        return [
            (it['query_data']['query_class'], [s['idx'] for s in it['support_data']])
            for it in (dataset[i % 8] for i in range(40))
        ]

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_query_aware_redirects_queries_without_enough_negative_classes():
    images = [[0, 1, 2, 3], [0], [1], [2], [3]]
    dataset = QueryAwareDataset(ToyDataset(images), None, 4, 1, seed=0)
    for _ in range(10):
        assert dataset[0]['query_data']['idx'] != 0


def test_query_aware_separate_support_dataset_matches_images_by_filename():
    query = ToyDataset()
    support = ToyDataset(IMAGES[::-1])  # same images, another order and index
    support.data_infos = [copy.deepcopy(info) for info in query.data_infos[::-1]]
    dataset = QueryAwareDataset(query, support, 2, 1, seed=1)
    for _ in range(20):
        item = dataset[0]
        # image 0 is support index 7; it must not provide the positive support
        assert item['support_data'][0]['idx'] != 7


def test_query_aware_rejects_too_many_ways():
    with pytest.raises(
        ValueError, match=r'num_support_ways=5 is larger than the 4 classes.*at most 4'
    ):
        QueryAwareDataset(ToyDataset(), None, 5, 1)


def test_query_aware_rejects_class_without_support_instance():
    with pytest.raises(
        ValueError,
        match=r"no instance of class 'd'.*num_support_ways=2 x num_support_shots=3.*add annot",
    ):
        QueryAwareDataset(ToyDataset([[0], [1], [2], [0, 1]]), None, 2, 3)


def test_query_aware_rejects_queries_without_negatives():
    images = [[0, 1, 2], [0, 1, 2], [0, 1, 2, 3]]
    with (
        pytest.warns(UserWarning, match='may have fewer'),
        pytest.raises(ValueError, match='lower num_support_ways'),
    ):
        QueryAwareDataset(ToyDataset(images), None, 3, 1)


@pytest.mark.parametrize('bad', [0, -1, 1.5, None])
def test_query_aware_rejects_non_positive_shots(bad):
    with pytest.raises(ValueError, match=r'num_support_shots=.*must be a positive integer'):
        QueryAwareDataset(ToyDataset(), None, 2, bad)


def test_query_aware_save_data_infos_writes_query_and_support(tmp_path):
    query, support = ToyDataset(), ToyDataset()
    dataset = QueryAwareDataset(query, support, 2, 1)
    dataset.save_data_infos(str(tmp_path / 'ts_saved_data.json'))
    assert query.saved == [str(tmp_path / 'ts_saved_data.json')]
    assert support.saved == [str(tmp_path / 'ts_saved_data.support_shot.json')]
    infos = dataset.get_support_data_infos()
    infos[0]['ann']['labels'][0] = 3
    assert support.data_infos[0]['ann']['labels'][0] == 0


# ----------------------------------------------------------------------------- worker streams


def test_worker_rng_gives_each_worker_its_own_reproducible_stream(monkeypatch):
    rng = _worker_rng.WorkerRNG(5)
    main = rng.generator.integers(0, 2**31, 4).tolist()
    assert main == np.random.default_rng(5).integers(0, 2**31, 4).tolist()

    def in_worker(worker_id, seed):
        info = types.SimpleNamespace(id=worker_id, seed=seed)
        monkeypatch.setattr(_worker_rng, 'get_worker_info', lambda: info)
        return copy.deepcopy(rng).generator.integers(0, 2**31, 4).tolist()

    w0, w1 = in_worker(0, 100), in_worker(1, 101)
    assert w0 != w1
    assert main not in (w0, w1)
    assert w0 == np.random.default_rng([5, 100]).integers(0, 2**31, 4).tolist()
    assert in_worker(0, 100) == w0


def test_worker_rng_default_seed_follows_torch_seed():
    import torch

    torch.manual_seed(123)
    assert _worker_rng.WorkerRNG(None).seed == 123
    with pytest.raises(ValueError, match='seed=-1 must be a non-negative'):
        _worker_rng.WorkerRNG(-1)


# ----------------------------------------------------------------------------- NWayKShotDataset


def test_nway_kshot_query_mode_returns_plain_items():
    dataset = NWayKShotDataset(ToyDataset(), None, 2, 1, repeat_times=2, seed=0)
    assert DATASETS.get('NWayKShotDataset') is NWayKShotDataset
    assert dataset.mode == 'query'
    assert len(dataset) == 16
    assert dataset.flag.shape == (16,)
    assert not dataset.flag.any()
    item = dataset[9]
    assert item['idx'] == 1
    assert item['pipeline_key'] == 'query'
    assert item['gt_idx'] == [0]


def test_nway_kshot_support_pools_in_dataset_order():
    dataset = NWayKShotDataset(ToyDataset(), None, 2, 1, num_used_support_shots=None)
    assert dataset.data_infos_by_class == {
        0: [(0, 0), (0, 1), (1, 0), (5, 0)],
        1: [(0, 2), (2, 0), (6, 0)],
        2: [(2, 1), (3, 0), (7, 0)],
        3: [(4, 0), (4, 1), (5, 1), (7, 1)],
    }
    capped = NWayKShotDataset(ToyDataset(), None, 2, 1, num_used_support_shots=2)
    assert capped.data_infos_by_class == {
        0: [(0, 0), (0, 1)],
        1: [(0, 2), (2, 0)],
        2: [(2, 1), (3, 0)],
        3: [(4, 0), (4, 1)],
    }
    one = NWayKShotDataset(ToyDataset(), None, 2, 1, one_support_shot_per_image=True)
    assert one.data_infos_by_class == {
        0: [(0, 0), (1, 0), (5, 0)],
        1: [(2, 0), (6, 0)],
        2: [(3, 0), (7, 0)],
        3: [(4, 0)],
    }


def test_nway_kshot_default_cap_is_200():
    dataset = NWayKShotDataset(ToyDataset([[0]] * 250 + [[1]], CLASSES[:2]), None, 2, 1)
    assert dataset.num_used_support_shots == 200
    assert len(dataset.data_infos_by_class[0]) == 200


def test_nway_kshot_pads_small_pools_by_repetition():
    dataset = NWayKShotDataset(ToyDataset(), None, 2, 3, one_support_shot_per_image=True)
    # class 3 has one pool entry: 3 // 1 + 1 = 4 copies; class 1 two: 3 // 2 + 1 = 2 copies
    assert dataset.data_infos_by_class[3] == [(4, 0)] * 4
    assert dataset.data_infos_by_class[1] == [(2, 0), (6, 0)] * 2


def test_nway_kshot_support_mode_batches():
    dataset = NWayKShotDataset(ToyDataset(), None, 3, 2, seed=3)
    dataset.convert_query_to_support(5)
    assert dataset.mode == 'support'
    assert len(dataset) == 5
    assert dataset.flag.shape == (5,)
    for b in range(5):
        batch = dataset[b]
        assert len(batch) == 6
        labels = [s['gt_labels'][0] for s in batch]
        ways = [labels[0:2], labels[2:4], labels[4:6]]
        assert all(w[0] == w[1] for w in ways)
        assert len({w[0] for w in ways}) == 3
        pairs = dataset.batch_indices[b]
        assert len(set(pairs[0:2])) == 2
        assert len(set(pairs[2:4])) == 2
        assert [s['pipeline_key'] for s in batch] == ['support'] * 6


def test_nway_kshot_seeded_batches():
    def batches(seed):
        return NWayKShotDataset(ToyDataset(), None, 2, 2, seed=seed).generate_support_batch_indices(
            10
        )

    assert batches(4) == batches(4)
    assert batches(4) != batches(5)


def test_nway_kshot_errors():
    with pytest.raises(ValueError, match=r'num_support_ways=5 is larger than the 4 classes'):
        NWayKShotDataset(ToyDataset(), None, 5, 1)
    with pytest.raises(ValueError, match=r"no instance of class 'c'.*num_support_shots=2"):
        NWayKShotDataset(ToyDataset([[0], [1], [3]]), None, 4, 2)
    with pytest.raises(ValueError, match='num_used_support_shots=0 must be a positive'):
        NWayKShotDataset(ToyDataset(), None, 2, 1, num_used_support_shots=0)


def test_nway_kshot_save_support_infos(tmp_path):
    query = ToyDataset()
    dataset = NWayKShotDataset(query, None, 2, 1, num_used_support_shots=1)
    dataset.save_data_infos(str(tmp_path / 'x_saved_data.json'))
    assert query.saved == [str(tmp_path / 'x_saved_data.json')]
    saved = json.loads((tmp_path / 'x_saved_data.support_shot.json').read_text())
    assert saved[0] == {'CLASSES': list(CLASSES), 'img_prefix': 'toy/'}
    # one info per pool entry: (0,0) (0,2) (2,1) (4,0), each with its single box
    assert [s['filename'] for s in saved[1:]] == [
        'VOC2007/JPEGImages/000000.jpg',
        'VOC2007/JPEGImages/000000.jpg',
        'VOC2007/JPEGImages/000002.jpg',
        'VOC2007/JPEGImages/000004.jpg',
    ]
    assert [s['ann']['labels'] for s in saved[1:]] == [[0], [1], [2], [3]]
    assert saved[2]['ann']['bboxes'] == [[0, 2, 5, 7]]
    assert list(tmp_path.iterdir())
    assert not list(tmp_path.glob('*.tmp'))
    # the source infos are untouched
    assert query.data_infos[0]['ann']['labels'].tolist() == [0, 0, 1]


def test_nway_kshot_saves_padded_pool_entries_once():
    dataset = NWayKShotDataset(ToyDataset(), None, 2, 3, one_support_shot_per_image=True)
    assert len(dataset.data_infos_by_class[3]) == 4  # (4, 0) padded four times
    infos = dataset.get_support_data_infos()
    # unique entries: class 0: 3, class 1: 2, class 2: 2, class 3: 1
    assert len(infos) == 8
    assert [i['ann']['labels'].tolist() for i in infos] == [[0]] * 3 + [[1]] * 2 + [[2]] * 2 + [[3]]


# ----------------------------------------------------------------------------- TwoBranchDataset


def test_two_branch_main_and_auxiliary_modes():
    main, aux = ToyDataset(), ToyDataset(IMAGES[:3])
    dataset = TwoBranchDataset(main, aux)
    assert DATASETS.get('TwoBranchDataset') is TwoBranchDataset
    assert dataset.mode == 'main'
    assert len(dataset) == 8
    assert dataset.flag.shape == (8,)
    assert dataset[10]['pipeline_key'] == 'main'
    assert dataset[10]['idx'] == 2
    dataset.convert_main_to_auxiliary()
    assert dataset.mode == 'auxiliary'
    assert len(dataset) == 3
    assert dataset.flag.shape == (3,)
    item = dataset[4]
    assert item['pipeline_key'] == 'auxiliary'
    assert item['idx'] == 1


def test_two_branch_reweight_voc07_12():
    images07, images12 = [[0]] * 3, [[1]] * 60
    main = ToyDataset(images07)
    main.data_infos += ToyDataset(images12, folder='VOC2012').data_infos
    aux = ToyDataset([[0]] * 4)
    dataset = TwoBranchDataset(main, aux, reweight_dataset=True)
    # 3 VOC2007 images < 50: repeated int(100 / 3) + 1 = 34 times; 60 VOC2012 kept once
    assert dataset.main_idx_map == [0, 1, 2] * 34 + list(range(3, 63))
    assert len(dataset) == 162
    # auxiliary: one 'VOC' group of 4: repeated 26 times
    assert dataset.auxiliary_idx_map == [0, 1, 2, 3] * 26


def test_two_branch_errors():
    with pytest.raises(ValueError, match='auxiliary_dataset is None'):
        TwoBranchDataset(ToyDataset(), None)
    with pytest.raises(ValueError, match=r"'COCO/JPEGImages/000000.jpg' contains none.*reweight"):
        TwoBranchDataset(ToyDataset(folder='COCO'), ToyDataset(), reweight_dataset=True)


def test_two_branch_save_data_infos(tmp_path):
    main, aux = ToyDataset(), ToyDataset()
    TwoBranchDataset(main, aux).save_data_infos(str(tmp_path / 's.json'))
    assert main.saved == [str(tmp_path / 's.json')]
    assert aux.saved == [str(tmp_path / 's.auxiliary.json')]
