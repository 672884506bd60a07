from collections import Counter

import pytest
from mmengine.hooks import Hook as MMEngineHook

from mmfewshot.engine import Hook, train_model
from mmfewshot.engine.hooks import LegacyHookAdapter
from mmfewshot.registry import HOOKS

CALLS: Counter = Counter()
ORDER: list = []


@HOOKS.register_module()
class EngineTestGenericHook(Hook):
    """0.x hook using the generic points only."""

    def before_run(self, runner):
        CALLS['before_run'] += 1

    def after_run(self, runner):
        CALLS['after_run'] += 1

    def before_epoch(self, runner):
        CALLS['before_epoch'] += 1

    def after_epoch(self, runner):
        CALLS['after_epoch'] += 1

    def before_iter(self, runner):
        CALLS['before_iter'] += 1

    def after_iter(self, runner):
        CALLS['after_iter'] += 1
        if self.every_n_iters(runner, 2):
            CALLS['every_2_iters'] += 1
        if self.end_of_epoch(runner):
            CALLS['end_of_epoch'] += 1


@HOOKS.register_module()
class EngineTestTrainVariantsHook(Hook):
    """0.x hook overriding the train variants with the ``(self, runner)`` signature."""

    def before_train_epoch(self, runner):
        CALLS['before_train_epoch'] += 1

    def after_train_iter(self, runner):
        CALLS['after_train_iter'] += 1
        CALLS[f'outputs_has_loss={"loss" in runner.outputs}'] += 1

    def after_iter(self, runner):  # shadowed by after_train_iter, as in mmcv
        CALLS['shadowed'] += 1


@HOOKS.register_module()
class EngineTestOrderHook(Hook):
    def __init__(self, tag):
        self.tag = tag

    def before_run(self, runner):
        ORDER.append(self.tag)


HOOK_CFGS = [
    dict(type='EngineTestOrderHook', tag='low', priority='LOW'),
    dict(type='EngineTestGenericHook'),
    dict(type='EngineTestTrainVariantsHook'),
    dict(type='EngineTestOrderHook', tag='high', priority='HIGH'),
]


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    ORDER.clear()


def test_0x_hooks_in_an_epoch_based_run(toy_cfg, toy):
    cfg = toy_cfg(runner=dict(type='EpochBasedRunner', max_epochs=2), custom_hooks=HOOK_CFGS)
    train_model(toy.Model(), toy.Dataset(n=8), cfg, dataloader_builder=toy.loader)
    expected = Counter(
        before_run=1, after_run=1, before_epoch=2, after_epoch=2, before_iter=8, after_iter=8,
        every_2_iters=4, end_of_epoch=2, before_train_epoch=2, after_train_iter=8,
        **{'outputs_has_loss=True': 8},
    )  # fmt: skip
    assert expected == CALLS
    assert ORDER == ['high', 'low']


def test_0x_hooks_in_an_iteration_based_run(toy_cfg, toy):
    cfg = toy_cfg(runner=dict(type='IterBasedRunner', max_iters=5), custom_hooks=HOOK_CFGS)
    train_model(toy.Model(), toy.Dataset(n=16), cfg, dataloader_builder=toy.loader)
    assert CALLS['before_run'] == CALLS['after_run'] == 1
    # as mmcv's IterBasedRunner: one "epoch" around all iterations
    assert CALLS['before_epoch'] == CALLS['after_epoch'] == 1
    assert CALLS['before_iter'] == CALLS['after_iter'] == CALLS['after_train_iter'] == 5
    assert CALLS['every_2_iters'] == 2
    assert CALLS['shadowed'] == 0


def test_subclass_overrides_accept_mmengine_arguments():
    hook = EngineTestTrainVariantsHook()
    hook.after_train_iter(
        type('R', (), {'outputs': {'loss': 1}})(), batch_idx=3, data_batch={}, outputs={}
    )
    assert CALLS['after_train_iter'] == 1
    assert not isinstance(hook, LegacyHookAdapter)
    assert isinstance(hook, MMEngineHook)
