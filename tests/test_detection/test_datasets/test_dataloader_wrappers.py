"""Tests of NWayKShotDataloader and TwoBranchDataloader (pairing, lengths, restarts, epochs)."""

from __future__ import annotations

import pytest
from torch.utils.data import DataLoader

from mmfewshot.detection.datasets.dataloader_wrappers import (
    NWayKShotDataloader,
    TwoBranchDataloader,
)


class RecordingSampler:
    """Sequential sampler that records set_epoch calls."""

    def __init__(self, n):
        self.n = n
        self.epochs = []

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n

    def set_epoch(self, epoch):
        self.epochs.append(epoch)


def loader(values, batch_size, sampler=None):
    return DataLoader(
        values, batch_size=batch_size, sampler=sampler, collate_fn=lambda batch: list(batch)
    )


def test_nway_kshot_dataloader_pairs_each_query_batch_with_a_support_batch():
    query = loader(list(range(10)), 2)
    support = loader([f's{i}' for i in range(5)], 1)
    paired = NWayKShotDataloader(query, support)
    assert len(paired) == 5
    assert paired.dataset is query.dataset
    assert paired.batch_size == 2
    batches = list(paired)
    assert batches == [
        {'query_data': [2 * i, 2 * i + 1], 'support_data': [f's{i}']} for i in range(5)
    ]
    # a second pass starts over
    assert list(paired) == batches


def test_nway_kshot_dataloader_restarts_a_short_support_loader():
    paired = NWayKShotDataloader(loader(list(range(6)), 1), loader(['a', 'b'], 1))
    assert [b['support_data'] for b in paired] == [['a'], ['b']] * 3
    assert [b['query_data'] for b in paired] == [[i] for i in range(6)]


def test_two_branch_dataloader_ends_with_the_main_loader():
    main = loader(list(range(4)), 2)
    aux = loader(['x', 'y', 'z'], 2)
    paired = TwoBranchDataloader(main, aux)
    assert len(paired) == 2
    assert list(paired) == [
        {'main_data': [0, 1], 'auxiliary_data': ['x', 'y']},
        {'main_data': [2, 3], 'auxiliary_data': ['z']},
    ]
    three = TwoBranchDataloader(loader(list(range(6)), 2), aux)
    assert [b['auxiliary_data'] for b in three] == [['x', 'y'], ['z'], ['x', 'y']]


def test_paired_loader_set_epoch_reaches_both_samplers():
    qs, ss = RecordingSampler(4), RecordingSampler(4)
    paired = NWayKShotDataloader(
        loader(list(range(4)), 1, sampler=qs), loader(list(range(4)), 1, sampler=ss)
    )
    paired.sampler.set_epoch(3)
    assert qs.epochs == [3]
    assert ss.epochs == [3]
    assert len(paired.sampler) == 4
    assert paired.sampler.n == 4  # other attributes come from the query sampler


def test_paired_loader_needs_iter_before_next():
    paired = TwoBranchDataloader(loader([1], 1), loader([2], 1))
    with pytest.raises(RuntimeError, match=r'call iter\(\) on the loader'):
        next(paired)
