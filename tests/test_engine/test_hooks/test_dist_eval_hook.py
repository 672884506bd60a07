from functools import partial

import torch

from mmfewshot.engine import DistEvalHook, multi_gpu_test, train_model
from mmfewshot.engine.hooks.dist_eval_hook import broadcast_bn_buffers
from mmfewshot.utils import build_dataloader


def test_dist_eval_gathers_results_in_dataset_order_on_rank0(toy_cfg, toy, run_two_ranks, tmp_path):
    cfg = toy_cfg(evaluation=dict(interval=1, metric='accuracy'),
                  runner=dict(type='EpochBasedRunner', max_epochs=1))  # fmt: skip
    loader = partial(build_dataloader, shuffle=False)
    train_model(toy.Model(), toy.Dataset(), cfg, dataloader_builder=loader)  # warm imports

    def rank_fn(rank):
        val_set = toy.Dataset(n=5, seed=1)  # 5 samples on 2 ranks: one padded sample

        def hooks(cfg, eval_cfg, distributed):
            val_loader = build_dataloader(val_set, 2, 0, dist=True, shuffle=False)
            return [DistEvalHook(val_loader, tmpdir=str(tmp_path / 'parts'), **eval_cfg)]

        runner = train_model(toy.Model(), toy.Dataset(), cfg, distributed=True, validate=True,
                             dataloader_builder=loader, eval_hook_builder=hooks)  # fmt: skip
        test_loader = build_dataloader(val_set, 2, 0, dist=True, shuffle=False)
        by_files = multi_gpu_test(runner.model, test_loader, tmpdir=str(tmp_path / 't'))
        by_group = multi_gpu_test(runner.model, test_loader, gpu_collect=True)
        order = None if by_files is None else [r['index'] for r in by_files]
        order_gpu = None if by_group is None else [r['index'] for r in by_group]
        return val_set.evaluate_calls, order, order_gpu

    results = run_two_ranks(rank_fn)
    assert results[0] == (
        [dict(metric='accuracy', num_results=5)],
        [0, 1, 2, 3, 4],
        [0, 1, 2, 3, 4],
    )
    assert results[1] == ([], None, None)


def test_broadcast_bn_buffers_copies_rank0_statistics(run_two_ranks):
    def rank_fn(rank):
        bn = torch.nn.BatchNorm1d(2)
        bn.running_mean.fill_(float(rank + 1))
        broadcast_bn_buffers(torch.nn.Sequential(bn))
        return bn.running_mean.tolist()

    assert run_two_ranks(rank_fn) == {0: [1.0, 1.0], 1: [1.0, 1.0]}
