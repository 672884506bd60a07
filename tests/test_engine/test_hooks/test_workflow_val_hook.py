import glob
import os.path as osp
from collections import Counter

import pytest
import torch

from mmfewshot.engine import Hook, WorkflowValHook, train_model
from mmfewshot.registry import HOOKS

CALLS: Counter = Counter()


@HOOKS.register_module()
class EngineTestValCounter(Hook):
    def before_epoch(self, runner):
        CALLS[f'before_epoch:{runner.mode}'] += 1

    def after_iter(self, runner):
        CALLS[f'after_iter:{runner.mode}'] += 1


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_epoch_workflow_logs_val_losses_without_training_on_them(toy_cfg, toy):
    val_set = toy.Dataset(n=6, seed=1)
    cfg = toy_cfg(
        workflow=[('train', 1), ('val', 1)],
        custom_hooks=[dict(type='EngineTestValCounter')],
    )
    runner = train_model(
        toy.Model(), [toy.Dataset(n=8), val_set], cfg, dataloader_builder=toy.loader
    )
    hook = next(h for h in runner.hooks if isinstance(h, WorkflowValHook))
    with torch.no_grad():
        expected = torch.nn.functional.cross_entropy(runner.model.fc(val_set.x), val_set.y)
    assert hook.last_losses['loss'] == pytest.approx(float(expected), rel=1e-5)
    assert runner.model.training
    with open(glob.glob(osp.join(runner.log_dir, '*.log'))[0]) as f:
        log = f.read()
    assert 'Epoch(val) [1][3]\tloss: ' in log
    assert 'Epoch(val) [2][3]\tloss: ' in log
    # 0.x hooks see the val epochs and iterations, with runner.mode == 'val'
    expected = {'before_epoch:train': 2, 'after_iter:train': 8, 'before_epoch:val': 2,
                'after_iter:val': 6}  # fmt: skip
    assert dict(CALLS) == expected


def test_iteration_workflow_runs_val_iterations_after_each_cycle(toy_cfg, toy):
    cfg = toy_cfg(
        runner=dict(type='IterBasedRunner', max_iters=5),
        workflow=[('train', 2), ('val', 1)],
        custom_hooks=[dict(type='EngineTestValCounter')],
    )
    train_model(toy.Model(), [toy.Dataset(n=16), toy.Dataset(n=4)], cfg,
                dataloader_builder=toy.loader)  # fmt: skip
    # after iterations 2, 4 and the last one (5)
    assert CALLS['after_iter:val'] == 3
    assert CALLS['after_iter:train'] == 5


def test_workflow_without_val_dataset_is_an_error(toy_cfg, toy):
    cfg = toy_cfg(workflow=[('train', 1), ('val', 1)])
    with pytest.raises(KeyError, match=r"workflow has a \('val', n\) phase but no val dataset"):
        train_model(toy.Model(), toy.Dataset(), cfg, dataloader_builder=toy.loader)
