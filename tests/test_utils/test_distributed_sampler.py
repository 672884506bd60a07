import pytest
import torch

from mmfewshot.registry import DATA_SAMPLERS
from mmfewshot.utils.distributed_sampler import DistributedSampler


def test_distributed_sampler_round_up_hand_computed() -> None:
    data = list(range(5))
    r0 = DistributedSampler(data, num_replicas=2, rank=0, shuffle=False)
    r1 = DistributedSampler(data, num_replicas=2, rank=1, shuffle=False)
    # padded order [0, 1, 2, 3, 4, 0]
    assert list(r0) == [0, 2, 4]
    assert list(r1) == [1, 3, 0]
    assert len(r0) == len(r1) == 3


def test_distributed_sampler_without_round_up_has_no_repeats() -> None:
    data = list(range(5))
    r0 = DistributedSampler(data, 2, 0, shuffle=False, round_up=False)
    r1 = DistributedSampler(data, 2, 1, shuffle=False, round_up=False)
    assert list(r0) == [0, 2, 4]
    assert list(r1) == [1, 3]
    assert (len(r0), len(r1)) == (3, 2)


def test_distributed_sampler_seeded_epochs() -> None:
    data = list(range(8))
    shards = [DistributedSampler(data, 2, rank, seed=3) for rank in range(2)]
    perm = torch.randperm(8, generator=torch.Generator().manual_seed(3)).tolist()
    assert list(shards[0]) == perm[0::2]
    assert list(shards[1]) == perm[1::2]
    assert set(shards[0]).isdisjoint(set(shards[1]))
    for s in shards:
        s.set_epoch(1)
    perm1 = torch.randperm(8, generator=torch.Generator().manual_seed(4)).tolist()
    assert list(shards[0]) == perm1[0::2]
    assert list(shards[0]) == list(shards[0])  # the same epoch gives the same order


def test_distributed_sampler_registered_and_validates_rank() -> None:
    built = DATA_SAMPLERS.build(dict(type='DistributedSampler', dataset=[1, 2], seed=0))
    assert (built.num_replicas, built.rank) == (1, 0)
    with pytest.raises(ValueError, match=r'rank=3 must be in \[0, num_replicas=2\)'):
        DistributedSampler([1, 2], num_replicas=2, rank=3)
