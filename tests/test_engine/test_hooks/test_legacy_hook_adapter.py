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
