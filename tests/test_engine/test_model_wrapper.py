from functools import partial

import torch

from mmfewshot.engine import FewShotDistributedDataParallel, average_gradients, train_model
from mmfewshot.utils import build_dataloader


def _cfg(toy_cfg, samples_per_gpu):
    return toy_cfg(
        data=dict(samples_per_gpu=samples_per_gpu, workers_per_gpu=0),
        runner=dict(type='IterBasedRunner', max_iters=3),
        optimizer=dict(type='SGD', lr=0.5, momentum=0.9),
        lr_config=dict(policy='step', step=[2], by_epoch=False),
    )


def test_two_gloo_ranks_match_one_process_with_the_same_total_batch(toy_cfg, toy, run_two_ranks):
    loader = partial(build_dataloader, shuffle=False)
    cfg2 = _cfg(toy_cfg, 2)
    cfg2.find_unused_parameters = True

    def rank_fn(rank):
        runner = train_model(toy.Model(), toy.Dataset(n=16), cfg2, distributed=True,
                             dataloader_builder=loader)  # fmt: skip
        assert isinstance(runner.model, FewShotDistributedDataParallel)
        assert runner.model.device_ids is None
        assert runner.model.find_unused_parameters is True
        return {k: v.tolist() for k, v in runner.model.module.state_dict().items()}

    # the single-process run goes first: the forked ranks then inherit its imports
    single = train_model(
        toy.Model(), toy.Dataset(n=16), _cfg(toy_cfg, 4), dataloader_builder=loader
    )
    ranks = run_two_ranks(rank_fn)
    initial = toy.Model().state_dict()
    for key, value in single.model.state_dict().items():
        rank0, rank1 = torch.tensor(ranks[0][key]), torch.tensor(ranks[1][key])
        assert torch.equal(rank0, rank1), key
        assert torch.allclose(rank0, value, atol=1e-5), key
        assert not torch.allclose(value, initial[key]), key  # training did move them


def test_average_gradients_fills_missing_grads_and_skips_unused(run_two_ranks):
    def rank_fn(rank):
        used, partly, unused = (torch.nn.Parameter(torch.zeros(2)) for _ in range(3))
        used.grad = torch.full((2,), float(rank + 1))
        if rank == 0:
            partly.grad = torch.ones(2)
        average_gradients([used, partly, unused])
        return used.grad.tolist(), partly.grad.tolist(), unused.grad

    results = run_two_ranks(rank_fn)
    for rank in (0, 1):
        assert results[rank] == ([1.5, 1.5], [0.5, 0.5], None)
