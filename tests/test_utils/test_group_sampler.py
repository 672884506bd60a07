from collections import Counter

import pytest

from mmfewshot.registry import DATA_SAMPLERS
from mmfewshot.utils.group_sampler import DistributedGroupSampler, GroupSampler

FLAGS = [0, 1, 0, 1, 1, 0, 0, 1, 0]  # five 0s, four 1s


def _single_flag_batches(order: list[int], size: int) -> bool:
    return all(
        len({FLAGS[i] for i in order[k : k + size]}) == 1 for k in range(0, len(order), size)
    )


def test_group_sampler_length_and_single_flag_batches(flag_dataset: type) -> None:
    sampler = GroupSampler(flag_dataset(FLAGS), samples_per_gpu=2, seed=1)
    order = list(sampler)
    assert len(sampler) == len(order) == 10  # ceil(5/2)*2 + ceil(4/2)*2
    assert _single_flag_batches(order, 2)
    assert set(order) == set(range(9))
    counts = Counter(order)
    assert sum(c - 1 for c in counts.values()) == 1  # one pad in flag 0
    assert FLAGS[next(i for i, c in counts.items() if c == 2)] == 0


def test_group_sampler_is_seeded_per_epoch(flag_dataset: type) -> None:
    a = GroupSampler(flag_dataset(FLAGS), 2, seed=5)
    b = GroupSampler(flag_dataset(FLAGS), 2, seed=5)
    assert list(a) == list(b)
    a.set_epoch(1)
    # epoch e uses seed + e
    assert list(a) == list(GroupSampler(flag_dataset(FLAGS), 2, seed=6))
    assert list(a) != list(b)


def test_distributed_group_sampler_shards(flag_dataset: type) -> None:
    ds = flag_dataset(FLAGS)
    shards = [list(DistributedGroupSampler(ds, 2, num_replicas=2, rank=r, seed=7)) for r in (0, 1)]
    # per rank: ceil(5/4)*2 + ceil(4/4)*2 = 6
    assert [len(s) for s in shards] == [6, 6]
    assert len(DistributedGroupSampler(ds, 2, num_replicas=2, rank=0, seed=7)) == 6
    for shard in shards:
        assert _single_flag_batches(shard, 2)
    both = shards[0] + shards[1]
    assert set(both) == set(range(9))
    counts = Counter(both)
    assert sum(c for i, c in counts.items() if FLAGS[i] == 0) == 8  # padded to 2 * 2 * 2
    assert sum(c for i, c in counts.items() if FLAGS[i] == 1) == 4


def test_group_sampler_without_flag_and_registry() -> None:
    sampler = DATA_SAMPLERS.build(dict(type='GroupSampler', dataset=list(range(5)), seed=0))
    assert sorted(sampler) == list(range(5))
    assert DATA_SAMPLERS.get('DistributedGroupSampler') is DistributedGroupSampler
    with pytest.raises(ValueError, match='samples_per_gpu=0 must be >= 1'):
        GroupSampler(list(range(3)), samples_per_gpu=0)
