from collections import Counter

import pytest
from mmengine.hooks import CheckpointHook
from mmengine.hooks import Hook as MMEngineHook

from mmfewshot.engine import Hook, train_model
from mmfewshot.engine.hooks import LegacyHookAdapter, needs_adapter
from mmfewshot.registry import HOOKS

CALLS: Counter = Counter()


@HOOKS.register_module()
class EngineTestMMEngineStyle0xHook(MMEngineHook):
    """Subclasses mmengine's Hook directly but is written the 0.x way."""

    priority = 'HIGH'

    def before_run(self, runner):
        CALLS['before_run'] += 1

    def before_epoch(self, runner):
        CALLS['before_epoch'] += 1

    def after_epoch(self, runner):
        CALLS['after_epoch'] += 1

    def before_iter(self, runner):
        CALLS['before_iter'] += 1

    def after_train_iter(self, runner):
        CALLS['after_train_iter'] += 1
        CALLS[f'inner_iter={runner.inner_iter}'] += 1

    def after_run(self, runner):
        CALLS['after_run'] += 1


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_needs_adapter_detects_0x_hooks_only():
    assert needs_adapter(EngineTestMMEngineStyle0xHook())
    assert not needs_adapter(CheckpointHook(interval=1))
    assert not needs_adapter(Hook())


@pytest.mark.parametrize(
    ('runner', 'expected'),
    [
        (dict(type='EpochBasedRunner', max_epochs=2), dict(epochs=2, iters=8)),
        (dict(type='IterBasedRunner', max_iters=6), dict(epochs=1, iters=6)),
    ],
)
def test_mmengine_subclass_written_0x_way_is_called(toy_cfg, toy, runner, expected):
    cfg = toy_cfg(runner=runner, custom_hooks=[dict(type='EngineTestMMEngineStyle0xHook')])
    run = train_model(toy.Model(), toy.Dataset(n=16 if 'max_iters' in runner else 8), cfg,
                      dataloader_builder=toy.loader)  # fmt: skip
    adapters = [h for h in run.hooks if isinstance(h, LegacyHookAdapter)]
    assert len(adapters) == 1
    assert adapters[0].priority == 'HIGH'
    assert CALLS['before_run'] == CALLS['after_run'] == 1
    assert CALLS['before_epoch'] == CALLS['after_epoch'] == expected['epochs']
    assert CALLS['before_iter'] == CALLS['after_train_iter'] == expected['iters']
    if expected['epochs'] == 2:  # inner_iter restarts every epoch
        assert CALLS['inner_iter=0'] == CALLS['inner_iter=3'] == 2


@HOOKS.register_module()
class EngineTestRecordOutputs(Hook):
    """A 0.x hook reading runner.outputs the mmcv 1.x way."""

    def __init__(self):
        self.seen = []

    def after_train_iter(self, runner):
        self.seen.append(runner.outputs)


def test_0x_hooks_see_mmcv_style_outputs(toy_cfg, toy):
    cfg = toy_cfg(custom_hooks=[dict(type='EngineTestRecordOutputs')])
    run = train_model(toy.Model(), toy.Dataset(n=6), cfg, dataloader_builder=toy.loader)
    hook = next(h for h in run.hooks if isinstance(h, EngineTestRecordOutputs))
    assert len(hook.seen) == 2 * 3  # 2 epochs of batches 2, 2, 2
    first = hook.seen[0]
    assert set(first) == {'loss', 'log_vars', 'num_samples'}
    assert isinstance(first['log_vars']['loss'], float)  # floats, as mmcv's parse_losses gave
    assert first['log_vars']['loss'] == pytest.approx(first['loss'].item())
    assert [o['num_samples'] for o in hook.seen] == [2] * 6


def test_num_samples_of_collated_containers():
    import torch

    from mmfewshot.engine.runner import legacy_outputs
    from mmfewshot.utils import DataContainer

    stacked = DataContainer([torch.zeros(3, 1), torch.zeros(2, 1)], stack=True)  # 2 devices
    metas = DataContainer([[{}, {}], [{}]], cpu_only=True)
    assert legacy_outputs({}, dict(img=stacked))['num_samples'] == 5
    assert legacy_outputs({}, dict(img_metas=metas))['num_samples'] == 3
    assert legacy_outputs({}, dict(img=torch.zeros(4, 3)))['num_samples'] == 4
    assert legacy_outputs({}, [1, 2])['num_samples'] is None
    out = legacy_outputs(dict(loss=torch.tensor(0.5), acc=torch.tensor([1.0, 2.0])))
    assert out['log_vars']['loss'] == 0.5
    assert out['log_vars']['acc'].tolist() == [1.0, 2.0]  # not a scalar: kept as it is
