import json
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.config import Config

from mmfewshot.classification.core.evaluation import meta_test
from mmfewshot.classification.core.evaluation.dist_meta_test_eval_hook import (
    DistMetaTestEvalHook,
)
from mmfewshot.classification.datasets.builder import build_dataloader
from mmfewshot.engine import train_model
from mmfewshot.registry import HOOKS


class RecordingDistHook(DistMetaTestEvalHook):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[int, float, float]] = []

    def evaluate(self, runner: Any) -> dict[str, Any]:
        results = super().evaluate(runner)
        self.calls.append((runner.epoch + 1, results['accuracy_mean'], results['accuracy_std']))
        return results


def _worker(rank: int, store: str, work_dir: str, model: Any, dataset: Any, loaders: tuple) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', store=dist.FileStore(store, 2), rank=rank, world_size=2)
    try:
        support, query, test_set, meta_cfg = loaders
        cfg = Config(
            dict(
                work_dir=work_dir,
                data=dict(samples_per_gpu=7, workers_per_gpu=0),
                optimizer=dict(type='SGD', lr=0.05, momentum=0.9),
                optimizer_config=dict(grad_clip=None),
                lr_config=dict(policy='fixed'),
                runner=dict(type='EpochBasedRunner', max_epochs=2),
                checkpoint_config=dict(interval=1000),
                log_config=dict(interval=50, hooks=[dict(type='TextLoggerHook')]),
                evaluation=dict(interval=1, metric='accuracy'),
                seed=0,
                log_level='WARNING',
            )
        )
        hooks = []

        def eval_hooks(cfg: Any, eval_cfg: dict, distributed: bool) -> list:
            assert distributed
            hooks.append(RecordingDistHook(support, query, test_set, 4, meta_test_cfg=meta_cfg,
                                           **eval_cfg))  # fmt: skip
            return hooks

        runner = train_model(
            model, dataset, cfg, distributed=True, validate=True, device='cpu',
            dataloader_builder=build_dataloader, eval_hook_builder=eval_hooks,
        )  # fmt: skip
        final = meta_test.single_gpu_meta_test(runner.model, 4, support, query, test_set, meta_cfg)
        Path(work_dir, f'rank{rank}.json').write_text(json.dumps([hooks[0].calls, final]))
    finally:
        dist.destroy_process_group()


def test_dist_hook_is_registered() -> None:
    assert HOOKS.get('DistMetaTestEvalHook') is DistMetaTestEvalHook


@pytest.mark.slow
def test_two_gloo_ranks_evaluate_the_same_numbers_and_rank0_keeps_the_best(
    tmp_path: Path, make_loaders: Any, build_classifier: Any, finetune_cfg: dict,
    train_dataset: Any,
) -> None:  # fmt: skip
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    loaders = make_loaders(True, train=finetune_cfg)
    args = (str(tmp_path / 'store'), str(work_dir), build_classifier('baseline'), train_dataset,
            loaders)  # fmt: skip
    mp.start_processes(_worker, args=args, nprocs=2, join=True, start_method='fork')
    rank0 = json.loads((work_dir / 'rank0.json').read_text())
    rank1 = json.loads((work_dir / 'rank1.json').read_text())
    assert rank0 == rank1
    calls, final = rank0
    assert [c[0] for c in calls] == [1, 2]
    # The last evaluation is the meta-test of the final weights, run in one process.
    assert calls[-1][1:] == [final['accuracy_mean'], final['accuracy_std']]
    assert (work_dir / 'best_accuracy_mean.pth').is_file()
