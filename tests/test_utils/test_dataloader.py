import random

import numpy as np
import pytest
import torch

from mmfewshot.utils import (
    DataContainer,
    DistributedInfiniteGroupSampler,
    DistributedInfiniteSampler,
    InfiniteGroupSampler,
    InfiniteSampler,
)
from mmfewshot.utils.dataloader import build_dataloader, worker_init_fn
from mmfewshot.utils.distributed_sampler import DistributedSampler
from mmfewshot.utils.group_sampler import DistributedGroupSampler, GroupSampler


class _ImageDataset:
    def __len__(self) -> int:
        return 6

    def __getitem__(self, idx: int) -> dict:
        return {
            'img': DataContainer(torch.full((1, 2, 2 + idx % 2), float(idx)), stack=True),
            'idx': idx,
        }


class _RandomDataset:
    def __len__(self) -> int:
        return 4

    def __getitem__(self, idx: int) -> float:
        return float(np.random.rand())


def test_non_dist_batches_num_gpus_times_samples(flag_dataset: type) -> None:
    loader = build_dataloader(_ImageDataset(), 2, 1, num_gpus=2, dist=False, shuffle=False)
    assert loader.batch_size == 4
    assert loader.num_workers == 2
    assert loader.worker_init_fn is None
    batch = next(iter(loader))
    # samples_per_gpu=2 -> two chunks, each padded to its own largest width
    assert [c.shape for c in batch['img'].data] == [(2, 1, 2, 3), (2, 1, 2, 3)]
    assert batch['img'].data[0][0, 0, 0].tolist() == [0.0, 0.0, 0.0]
    assert torch.equal(batch['idx'], torch.tensor([0, 1, 2, 3]))


def test_dist_uses_per_rank_batch_and_distributed_sampler() -> None:
    loader = build_dataloader(list(range(10)), 3, 0, num_gpus=4, dist=True, seed=1)
    assert loader.batch_size == 3
    assert isinstance(loader.sampler, DistributedSampler)
    assert loader.sampler.round_up is True
    assert sorted(torch.cat(list(loader)).tolist()) == list(range(10))


@pytest.mark.parametrize(
    ('dist', 'shuffle', 'infinite', 'flagged', 'expected'),
    [
        (True, True, False, True, DistributedGroupSampler),
        (True, False, False, True, DistributedSampler),
        (False, True, False, True, GroupSampler),
        (False, True, False, False, DistributedSampler),
        (True, True, True, True, DistributedInfiniteGroupSampler),
        (True, True, True, False, DistributedInfiniteSampler),
        (True, False, True, True, DistributedInfiniteSampler),
        (False, True, True, True, InfiniteGroupSampler),
        (False, False, True, True, InfiniteSampler),
    ],
)
def test_sampler_choice(
    flag_dataset: type, dist: bool, shuffle: bool, infinite: bool, flagged: bool, expected: type
) -> None:
    dataset = flag_dataset([0, 1, 0, 1]) if flagged else list(range(4))
    loader = build_dataloader(
        dataset, 2, 0, dist=dist, shuffle=shuffle, seed=0, use_infinite_sampler=infinite
    )
    assert type(loader.sampler) is expected


def test_non_dist_without_shuffle_is_sequential() -> None:
    loader = build_dataloader(list(range(5)), 2, 0, dist=False, shuffle=False)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]


def test_seeded_shuffle_is_reproducible_and_local() -> None:
    torch.manual_seed(0)
    expected_next = torch.rand(1)
    torch.manual_seed(0)
    first = [b.tolist() for b in build_dataloader(list(range(8)), 2, 0, dist=False, seed=4)]
    second = [b.tolist() for b in build_dataloader(list(range(8)), 2, 0, dist=False, seed=4)]
    assert first == second
    assert torch.equal(torch.rand(1), expected_next)
    perm = torch.randperm(8, generator=torch.Generator().manual_seed(4)).tolist()
    assert [i for b in first for i in b] == perm
    loader = build_dataloader(list(range(8)), 2, 0, dist=False, seed=4)
    loader.sampler.set_epoch(3)  # epoch e is the permutation drawn with seed + e
    perm = torch.randperm(8, generator=torch.Generator().manual_seed(7)).tolist()
    assert [i for b in loader for i in b.tolist()] == perm


def test_infinite_loader_keeps_going() -> None:
    loader = build_dataloader(
        list(range(3)), 2, 0, dist=False, shuffle=False, use_infinite_sampler=True
    )
    it = iter(loader)
    assert [next(it).tolist() for _ in range(3)] == [[0, 1], [2, 0], [1, 2]]
    assert len(loader) == 2  # ceil(3 / 2) batches per epoch


def test_worker_init_fn_seeds_all_rngs() -> None:
    worker_init_fn(1, num_workers=2, rank=3, seed=10)  # 10 + 3 * 2 + 1 = 17
    assert np.random.rand() == np.random.RandomState(17).rand()
    assert random.random() == random.Random(17).random()
    assert torch.equal(torch.rand(1), torch.rand(1, generator=torch.Generator().manual_seed(17)))


def test_workers_are_seeded_reproducibly() -> None:
    def draws() -> list[float]:
        loader = build_dataloader(_RandomDataset(), 1, 2, dist=False, shuffle=False, seed=5)
        return [float(x) for b in loader for x in b]

    first = draws()
    assert first == draws()
    # worker w of rank 0 is seeded with 5 + w; with 2 workers, items alternate between them
    w0, w1 = np.random.RandomState(5), np.random.RandomState(6)
    assert first == [w0.rand(), w1.rand(), w0.rand(), w1.rand()]


def test_kwargs_override_defaults() -> None:
    loader = build_dataloader(list(range(4)), 2, 0, dist=False, shuffle=False, collate_fn=list)
    assert next(iter(loader)) == [0, 1]


def test_invalid_arguments() -> None:
    with pytest.raises(
        ValueError, match=r'samples_per_gpu=0 must be >= 1 \(data\.samples_per_gpu\)'
    ):
        build_dataloader([1], 0, 0)
    with pytest.raises(ValueError, match='workers_per_gpu=-1 must be >= 0'):
        build_dataloader([1], 1, -1)
    with pytest.raises(ValueError, match='num_gpus=0 must be >= 1'):
        build_dataloader([1], 1, 0, num_gpus=0, dist=False)
