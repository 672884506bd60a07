import os
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmfewshot.utils import (
    DistributedInfiniteSampler,
    InfiniteSampler,
    build_dataloader,
    check_dist_init,
    sync_random_seed,
)


def test_check_dist_init_false_without_process_group() -> None:
    assert check_dist_init() is False


def test_sync_random_seed_without_dist_returns_seed() -> None:
    assert sync_random_seed(123) == 123
    assert sync_random_seed(5, device='cpu') == 5


def test_sync_random_seed_draws_without_touching_global_numpy() -> None:
    np.random.seed(0)
    expected = np.random.RandomState(0).rand()
    seeds = {sync_random_seed() for _ in range(5)}
    assert all(0 <= s < 2**31 for s in seeds)
    assert len(seeds) > 1  # fresh entropy each call
    assert np.random.rand() == expected


def _worker(rank: int, store_path: str, out_dir: str) -> None:
    os.environ.pop('CUDA_VISIBLE_DEVICES', None)
    torch.set_num_threads(1)
    store = dist.FileStore(store_path, 2)
    dist.init_process_group('gloo', store=store, rank=rank, world_size=2)
    try:
        given = sync_random_seed(100 + rank)  # rank 0's value wins; 'cuda' falls back to CPU
        drawn = sync_random_seed(None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            InfiniteSampler(list(range(6)))
        warned = any('single-process sampler' in str(w.message) for w in caught)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            build_dataloader(list(range(6)), 1, 0, dist=False, use_infinite_sampler=True)
        warned_by_builder = any('single-process sampler' in str(w.message) for w in caught)
        loader = build_dataloader(list(range(6)), 2, 0, dist=True, shuffle=False)
        loader_items = torch.cat(list(loader)).tolist()
        sampler = DistributedInfiniteSampler(list(range(6)), seed=given)
        it = iter(sampler)
        shard = [next(it) for _ in range(len(sampler))]
        flags = [int(check_dist_init()), given, drawn, int(warned), int(warned_by_builder)]
        result = np.array([*flags, *loader_items, sampler.rank, *shard])
        np.save(Path(out_dir) / f'rank{rank}.npy', result)
    finally:
        dist.destroy_process_group()


def test_sync_random_seed_and_samplers_across_two_gloo_processes(tmp_path: Path) -> None:
    args = (str(tmp_path / 'store'), str(tmp_path))
    mp.start_processes(_worker, args=args, nprocs=2, join=True, start_method='fork')
    r0 = np.load(tmp_path / 'rank0.npy')
    r1 = np.load(tmp_path / 'rank1.npy')
    assert r0[0] == r1[0] == 1  # check_dist_init inside the group
    assert r0[1] == r1[1] == 100
    assert r0[2] == r1[2]
    assert r0[3] == r1[3] == 1  # InfiniteSampler warns that it does not shard
    assert r0[4] == r1[4] == 0  # ... but not when build_dataloader(dist=False) asks for it
    # build_dataloader(dist=True) shards with DistributedSampler: ranks get [0,2,4] and [1,3,5]
    assert r0[5:8].tolist() == [0, 2, 4]
    assert r1[5:8].tolist() == [1, 3, 5]
    assert (r0[8], r1[8]) == (0, 1)  # rank taken from the process group
    shard0, shard1 = set(r0[9:].tolist()), set(r1[9:].tolist())
    assert len(r0[9:]) == len(r1[9:]) == 3
    assert shard0.isdisjoint(shard1)
    assert shard0 | shard1 == set(range(6))
