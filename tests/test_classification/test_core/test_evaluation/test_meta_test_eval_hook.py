from pathlib import Path
from typing import Any

import pytest
import torch
from mmengine.config import Config

from mmfewshot.classification.core.evaluation import meta_test
from mmfewshot.classification.core.evaluation.meta_test_eval_hook import MetaTestEvalHook
from mmfewshot.classification.datasets.builder import build_dataloader
from mmfewshot.engine import train_model
from mmfewshot.registry import HOOKS
from mmfewshot.utils.compat import load_checkpoint_file


class RecordingHook(MetaTestEvalHook):
    """Records (finished epoch or iteration, accuracy_mean, model mode) at each evaluation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[int, float]] = []
        self.train_modes: list[bool] = []

    def evaluate(self, runner: Any) -> dict[str, Any]:
        results = super().evaluate(runner)
        step = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        self.calls.append((step, results['accuracy_mean']))
        return results

    def after_train_iter(self, runner: Any, batch_idx: int = 0, **kwargs: Any) -> None:
        self.train_modes.append(runner.model.training)
        super().after_train_iter(runner, batch_idx, **kwargs)


def _cfg(tmp_path: Path, runner: dict, interval: int, by_epoch: bool) -> Config:
    return Config(
        dict(
            work_dir=str(tmp_path / 'work'),
            data=dict(samples_per_gpu=14, workers_per_gpu=0),
            optimizer=dict(type='SGD', lr=0.05, momentum=0.9),
            optimizer_config=dict(grad_clip=None),
            lr_config=dict(policy='fixed'),
            runner=runner,
            checkpoint_config=dict(interval=1000),
            log_config=dict(interval=50, hooks=[dict(type='TextLoggerHook')]),
            evaluation=dict(interval=interval, by_epoch=by_epoch, metric='accuracy'),
            seed=0,
            log_level='WARNING',
        )
    )


def _train(model: Any, dataset: Any, cfg: Config, loaders: tuple, device: str = 'cpu') -> Any:
    support, query, test_set, meta_cfg = loaders
    hooks: list[RecordingHook] = []

    def eval_hooks(cfg: Any, eval_cfg: dict, distributed: bool) -> list:
        eval_cfg = dict(eval_cfg)
        hook = RecordingHook(
            support, query, test_set, num_test_tasks=3, meta_test_cfg=meta_cfg, **eval_cfg
        )
        hooks.append(hook)
        return hooks

    train_model(
        model, dataset, cfg, validate=True, device=device,
        dataloader_builder=build_dataloader, eval_hook_builder=eval_hooks,
    )  # fmt: skip
    return hooks[0]


def _check_best(hook: RecordingHook, work_dir: Path, by_epoch: bool, rebuild: Any, loaders: tuple):
    ckpt_path = work_dir / 'best_accuracy_mean.pth'
    assert ckpt_path.is_file()
    assert not [p for p in work_dir.iterdir() if '.tmp' in p.name]
    checkpoint = load_checkpoint_file(str(ckpt_path))
    best_step, best_score = max(hook.calls, key=lambda c: (c[1], -c[0]))
    assert checkpoint['meta']['epoch' if by_epoch else 'iter'] == best_step
    # The saved weights give the recorded best score again.
    model = rebuild()
    model.load_state_dict(checkpoint['state_dict'])
    support, query, test_set, meta_cfg = loaders
    again = meta_test.single_gpu_meta_test(model, 3, support, query, test_set, meta_cfg)
    assert again['accuracy_mean'] == pytest.approx(best_score)


def test_hook_is_registered_with_the_documented_arguments() -> None:
    assert HOOKS.get('MetaTestEvalHook') is MetaTestEvalHook
    with pytest.raises(ValueError, match=r'evaluation.interval=0 must be a positive integer'):
        MetaTestEvalHook(
            torch.utils.data.DataLoader([1]), torch.utils.data.DataLoader([1]), None, 2, interval=0
        )
    with pytest.raises(TypeError, match='support_data_loader must be a torch DataLoader'):
        MetaTestEvalHook([1], torch.utils.data.DataLoader([1]), None, 2)


@pytest.mark.slow
def test_epoch_based_run_evaluates_every_interval_epochs_and_keeps_the_best(
    tmp_path: Path, make_loaders: Any, build_classifier: Any, finetune_cfg: dict,
    train_dataset: Any,
) -> None:  # fmt: skip
    loaders = make_loaders(True, train=finetune_cfg)
    cfg = _cfg(tmp_path, dict(type='EpochBasedRunner', max_epochs=4), interval=2, by_epoch=True)
    hook = _train(build_classifier('baseline'), train_dataset, cfg, loaders)
    assert [step for step, _ in hook.calls] == [2, 4]  # 3 iterations per epoch
    assert all(hook.train_modes)  # evaluating never left the model in eval mode
    _check_best(hook, tmp_path / 'work', True, lambda: build_classifier('baseline'), loaders)


@pytest.mark.slow
def test_iteration_based_run_evaluates_every_interval_iterations(
    tmp_path: Path, make_loaders: Any, build_classifier: Any, finetune_cfg: dict,
    train_dataset: Any,
) -> None:  # fmt: skip
    loaders = make_loaders(True, train=finetune_cfg)
    cfg = _cfg(tmp_path, dict(type='IterBasedRunner', max_iters=7), interval=3, by_epoch=False)
    hook = _train(build_classifier('baseline'), train_dataset, cfg, loaders)
    assert [step for step, _ in hook.calls] == [3, 6]
    assert len(hook.train_modes) == 7
    assert all(hook.train_modes)
    _check_best(hook, tmp_path / 'work', False, lambda: build_classifier('baseline'), loaders)
