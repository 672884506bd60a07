import glob
import os.path as osp

import pytest

from mmfewshot.engine import EvalHook, train_model
from mmfewshot.engine.hooks.eval_hook import infer_rule


def run_with_eval(toy_cfg, toy, evaluation, runner, n_train=8):
    val_set = toy.Dataset(n=6, seed=1)

    def build_eval_hooks(cfg, eval_cfg, distributed):
        assert distributed is False
        return [EvalHook(toy.loader(val_set, 4), **eval_cfg)]

    cfg = toy_cfg(runner=runner, evaluation=evaluation)
    result = train_model(
        toy.Model(), toy.Dataset(n=n_train), cfg, validate=True,
        dataloader_builder=toy.loader, eval_hook_builder=build_eval_hooks,
    )  # fmt: skip
    return result, val_set


def test_eval_by_epoch_passes_kwargs_and_results_in_dataset_order(toy_cfg, toy):
    runner, val_set = run_with_eval(
        toy_cfg, toy, dict(interval=2, metric='accuracy', class_splits=['A']),
        dict(type='EpochBasedRunner', max_epochs=4),
    )  # fmt: skip
    assert val_set.evaluate_calls == [
        dict(metric='accuracy', class_splits=['A'], num_results=6),
        dict(metric='accuracy', class_splits=['A'], num_results=6),
    ]
    with open(glob.glob(osp.join(runner.log_dir, '*.log'))[0]) as f:
        log = f.read()
    assert 'Epoch(val) [2][2]\taccuracy: ' in log
    assert 'Epoch(val) [4][2]' in log
    assert 'in_order: True' in log


def test_eval_by_iteration_with_start_and_save_best(toy_cfg, toy):
    runner, val_set = run_with_eval(
        toy_cfg, toy, dict(interval=2, start=2, save_best='auto'),
        dict(type='IterBasedRunner', max_iters=7), n_train=16,
    )  # fmt: skip
    # mmcv's rule: evaluate when iter + 1 >= start and (iter + 1 - start) % interval == 0
    assert len(val_set.evaluate_calls) == 3
    best = glob.glob(osp.join(runner.work_dir, 'best_accuracy_iter_*.pth'))
    assert len(best) == 1
    assert runner.message_hub.get_info('eval_hook_best_ckpt') == best[0]


def test_start_zero_evaluates_before_training(toy_cfg, toy):
    _, val_set = run_with_eval(
        toy_cfg, toy, dict(interval=1, start=0), dict(type='EpochBasedRunner', max_epochs=1)
    )
    assert len(val_set.evaluate_calls) == 2


def test_rule_inference_and_errors(toy):
    assert infer_rule('accuracy_mean', ('acc',), ('loss',)) == 'greater'
    assert infer_rule('val_loss', ('acc',), ('loss',)) == 'less'
    with pytest.raises(ValueError, match=r"set evaluation\.rule='greater' or 'less'"):
        infer_rule('foo', ('acc',), ('loss',))
    loader = toy.loader(toy.Dataset(), 2)
    with pytest.raises(ValueError, match=r'evaluation\.interval=0 must be a positive'):
        EvalHook(loader, interval=0)
    with pytest.raises(TypeError, match="save_best=True must be a metric name, 'auto' or None"):
        EvalHook(loader, save_best=True)
    with pytest.raises(TypeError, match='must be a torch DataLoader'):
        EvalHook([1, 2])


def test_unknown_save_best_key_is_reported(toy_cfg, toy):
    with pytest.raises(KeyError, match="save_best='mAP' is not among the evaluated keys"):
        run_with_eval(
            toy_cfg, toy, dict(save_best='mAP'), dict(type='EpochBasedRunner', max_epochs=1)
        )
