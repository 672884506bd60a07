import copy
import itertools
import pickle

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from mmfewshot.registry import DATA_SAMPLERS
from mmfewshot.utils import (
    DistributedInfiniteGroupSampler,
    DistributedInfiniteSampler,
    InfiniteGroupSampler,
    InfiniteSampler,
)


class _FlagDataset:
    def __init__(self, flag: list[int]) -> None:
        self.flag = np.array(flag, dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.flag)

    def __getitem__(self, idx: int) -> int:
        return idx


FLAGS = [0, 1, 0, 1, 1, 0, 0, 1]


def _take(sampler: object, n: int) -> list[int]:
    return list(itertools.islice(iter(sampler), n))  # type: ignore[call-overload]


def test_infinite_sampler_sequential_wraps_around() -> None:
    sampler = InfiniteSampler(list(range(3)), shuffle=False)
    assert len(sampler) == 3
    assert _take(sampler, 7) == [0, 1, 2, 0, 1, 2, 0]


def test_infinite_sampler_is_seeded_and_each_pass_is_a_permutation() -> None:
    data = list(range(10))
    a = _take(InfiniteSampler(data, seed=3), 40)
    b = _take(InfiniteSampler(data, seed=3), 40)
    c = _take(InfiniteSampler(data, seed=4), 40)
    assert a == b
    assert a != c
    for start in range(0, 40, 10):
        assert sorted(a[start : start + 10]) == data
    # the stream is the sequence of permutations of a local generator seeded with 3
    g = torch.Generator().manual_seed(3)
    expected = [i for _ in range(4) for i in torch.randperm(10, generator=g).tolist()]
    assert a == expected


def test_infinite_sampler_does_not_touch_global_rng() -> None:
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    _take(InfiniteSampler(list(range(10)), seed=1), 25)
    assert torch.equal(torch.rand(1), expected)


def test_infinite_sampler_second_iter_continues_the_stream() -> None:
    sampler = InfiniteSampler(list(range(5)), seed=0)
    full = _take(InfiniteSampler(list(range(5)), seed=0), 12)
    first = _take(sampler, 4)
    sampler.set_epoch(1)
    second = _take(sampler, 8)
    assert first + second == full
    assert sampler.epoch == 1


def test_infinite_sampler_copies_restart_the_stream() -> None:
    sampler = InfiniteSampler(list(range(6)), seed=2)
    head = _take(sampler, 3)
    clone = pickle.loads(pickle.dumps(sampler))
    assert _take(clone, 3) == head
    assert _take(copy.deepcopy(sampler), 3) == head


def test_infinite_sampler_feeds_a_dataloader() -> None:
    loader = DataLoader(
        list(range(5)), batch_size=2, sampler=InfiniteSampler(list(range(5)), shuffle=False)
    )
    batches = [b.tolist() for b in itertools.islice(loader, 4)]
    assert batches == [[0, 1], [2, 3], [4, 0], [1, 2]]


def test_infinite_group_sampler_hand_computed_order() -> None:
    sampler = InfiniteGroupSampler(_FlagDataset(FLAGS), samples_per_gpu=2, shuffle=False)
    assert len(sampler) == 8
    # flag buffers fill in stream order: [0,2] [1,3] [5,6] [4,7], then the same again
    assert _take(sampler, 16) == [0, 2, 1, 3, 5, 6, 4, 7] * 2


def test_infinite_group_sampler_batches_are_single_flag() -> None:
    rng = np.random.RandomState(0)
    flags = rng.randint(0, 3, size=37).tolist()
    sampler = InfiniteGroupSampler(_FlagDataset(flags), samples_per_gpu=4, seed=5)
    stream = _take(sampler, 4 * 60)
    for start in range(0, len(stream), 4):
        assert len({flags[i] for i in stream[start : start + 4]}) == 1
    assert stream == _take(InfiniteGroupSampler(_FlagDataset(flags), 4, seed=5), 4 * 60)


def test_infinite_group_sampler_without_flag_is_one_group() -> None:
    grouped = _take(InfiniteGroupSampler(list(range(7)), samples_per_gpu=3, seed=1), 21)
    assert grouped == _take(InfiniteSampler(list(range(7)), seed=1), 21)


def test_distributed_infinite_sampler_hand_computed_shards() -> None:
    data = list(range(5))
    r0 = DistributedInfiniteSampler(data, num_replicas=2, rank=0, shuffle=False)
    r1 = DistributedInfiniteSampler(data, num_replicas=2, rank=1, shuffle=False)
    assert len(r0) == len(r1) == 3  # ceil(5 / 2)
    # one pass padded to [0, 1, 2, 3, 4, 0]
    assert _take(r0, 6) == [0, 2, 4, 0, 2, 4]
    assert _take(r1, 6) == [1, 3, 0, 1, 3, 0]


@pytest.mark.parametrize(('size', 'replicas'), [(12, 3), (10, 4)])
def test_distributed_infinite_sampler_shards_are_disjoint_and_cover(
    size: int, replicas: int
) -> None:
    data = list(range(size))
    shards = [
        _take(DistributedInfiniteSampler(data, replicas, rank, seed=7), -(-size // replicas))
        for rank in range(replicas)
    ]
    flat = [i for shard in shards for i in shard]
    assert set(flat) == set(data)
    assert (
        len(flat) - len(set(flat)) == -(-size // replicas) * replicas - size
    )  # only padding repeats
    # the global pass is the seeded permutation, dealt round-robin
    perm = torch.randperm(size, generator=torch.Generator().manual_seed(7)).tolist()
    assert shards[0][0] == perm[0]
    assert shards[1][0] == perm[1]


def test_distributed_infinite_sampler_defaults_to_world_of_one() -> None:
    sampler = DistributedInfiniteSampler(list(range(4)), seed=9)
    assert (sampler.num_replicas, sampler.rank) == (1, 0)
    assert _take(sampler, 8) == _take(InfiniteSampler(list(range(4)), seed=9), 8)


def test_distributed_infinite_group_sampler_hand_computed() -> None:
    ds = _FlagDataset(FLAGS)
    r0 = DistributedInfiniteGroupSampler(ds, 2, num_replicas=2, rank=0, shuffle=False)
    r1 = DistributedInfiniteGroupSampler(ds, 2, num_replicas=2, rank=1, shuffle=False)
    assert len(r0) == 4
    # global batches [0,2] [1,3] [5,6] [4,7] dealt round-robin
    assert _take(r0, 8) == [0, 2, 5, 6, 0, 2, 5, 6]
    assert _take(r1, 8) == [1, 3, 4, 7, 1, 3, 4, 7]


def test_distributed_infinite_group_sampler_disjoint_single_flag_batches() -> None:
    flags = np.random.RandomState(1).randint(0, 2, size=40).tolist()
    ds = _FlagDataset(flags)
    spg, replicas = 2, 2
    streams = [
        _take(DistributedInfiniteGroupSampler(ds, spg, replicas, rank, seed=11), 16)
        for rank in range(replicas)
    ]
    for stream in streams:
        for start in range(0, len(stream), spg):
            assert len({flags[i] for i in stream[start : start + spg]}) == 1
    # 16 global batches are emitted within the first pass, so no index repeats
    assert len(set(streams[0] + streams[1])) == 32
    # rank r gets global batches r, r + R, ... of the single-process stream
    glob = _take(InfiniteGroupSampler(ds, spg, seed=11), 32)
    batches = [glob[i : i + spg] for i in range(0, 32, spg)]
    assert streams[0] == [i for b in batches[0::2] for i in b]
    assert streams[1] == [i for b in batches[1::2] for i in b]


def test_samplers_are_registered() -> None:
    data = list(range(4))
    built = DATA_SAMPLERS.build(dict(type='InfiniteSampler', dataset=data, seed=1))
    assert isinstance(built, InfiniteSampler)
    for name in (
        'InfiniteGroupSampler',
        'DistributedInfiniteSampler',
        'DistributedInfiniteGroupSampler',
    ):
        assert DATA_SAMPLERS.get(name).__name__ == name


def test_sampler_input_errors() -> None:
    with pytest.raises(ValueError, match='empty dataset'):
        InfiniteSampler([])
    with pytest.raises(ValueError, match=r'rank=2 must be in \[0, num_replicas=2\)'):
        DistributedInfiniteSampler(list(range(3)), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match='num_replicas=0 must be >= 1'):
        DistributedInfiniteSampler(list(range(3)), num_replicas=0, rank=0)
    with pytest.raises(ValueError, match='samples_per_gpu=0 must be >= 1'):
        InfiniteGroupSampler(list(range(3)), samples_per_gpu=0)
    bad = _FlagDataset([0, 1])
    bad.flag = np.array([0.5, 1.0])
    with pytest.raises(ValueError, match=r'dataset\.flag must be an integer array'):
        InfiniteGroupSampler(bad)
