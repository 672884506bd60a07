import itertools
import math

import pytest
import torch

from mmfewshot.engine import EvalHook, Hook, build_train_dataloaders, train_model
from mmfewshot.engine.train import default_eval_hooks
from mmfewshot.registry import DATASETS, HOOKS


@DATASETS.register_module()
class EngineTestRegisteredDataset(torch.utils.data.Dataset):
    def __init__(self, n=4, test_mode=False):
        self.n, self.test_mode = n, test_mode

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return dict(x=torch.tensor(float(index)))


@HOOKS.register_module()
class EngineTestWeightTrace(Hook):
    def before_run(self, runner):
        self.weights = [runner.model.fc.weight.detach().clone()]

    def after_train_iter(self, runner):
        self.weights.append(runner.model.fc.weight.detach().clone())


@pytest.mark.filterwarnings("ignore:'pin_memory' argument is set as true")
def test_build_train_dataloaders_uses_the_config_and_the_utils_builder(toy_cfg, toy):
    cfg = toy_cfg(data=dict(samples_per_gpu=3, workers_per_gpu=0), seed=5, pin_memory=True)
    (loader,) = build_train_dataloaders([toy.Dataset(n=7)], cfg, distributed=False)
    assert loader.batch_size == 3
    assert loader.pin_memory is True
    assert len(loader) == 3
    batch = next(iter(loader))
    assert batch['img'].shape == (3, 4)


def test_build_train_dataloaders_needs_samples_per_gpu(toy):
    with pytest.raises(KeyError, match=r'data\.samples_per_gpu'):
        build_train_dataloaders([toy.Dataset()], dict(data=dict()), distributed=False)


def test_default_eval_hooks_build_val_set_by_name(toy_cfg):
    val = dict(type='EngineTestRegisteredDataset', n=5, samples_per_gpu=2)
    cfg = toy_cfg(data=dict(samples_per_gpu=2, workers_per_gpu=0, val=val))
    (hook,) = default_eval_hooks(cfg, dict(interval=3, by_epoch=False), distributed=False)
    assert isinstance(hook, EvalHook)
    assert (hook.interval, hook.by_epoch) == (3, False)
    assert hook.dataloader.dataset.test_mode is True
    assert hook.dataloader.batch_size == 2
    with pytest.raises(KeyError, match=r'validation needs data\.val'):
        default_eval_hooks(dict(data=dict()), {}, distributed=False)


def test_fp16_on_cpu_and_distributed_without_group_fail_clearly(toy_cfg, toy, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(ValueError, match=r'fp16 \(AMP\) training needs a CUDA GPU'):
        train_model(toy.Model(), toy.Dataset(), toy_cfg(fp16=dict(loss_scale=512.0)),
                    dataloader_builder=toy.loader)  # fmt: skip
    with pytest.raises(RuntimeError, match='no process group is initialised'):
        train_model(toy.Model(), toy.Dataset(), toy_cfg(), distributed=True)


def test_missing_runner_or_optimizer(toy_cfg, toy):
    with pytest.raises(KeyError, match="config has no 'runner'"):
        train_model(toy.Model(), toy.Dataset(), toy_cfg(runner=None), dataloader_builder=toy.loader)
    with pytest.raises(KeyError, match="config has no 'optimizer'"):
        train_model(
            toy.Model(), toy.Dataset(), toy_cfg(optimizer=None), dataloader_builder=toy.loader
        )


def test_gradient_accumulation_and_grad_clip_reach_the_optimizer(toy_cfg, toy):
    cfg = toy_cfg(
        runner=dict(type='IterBasedRunner', max_iters=4),
        optimizer_config=dict(type='GradientCumulativeOptimizerHook', cumulative_iters=2,
                              grad_clip=dict(max_norm=0.5)),
    )  # fmt: skip
    cfg.custom_hooks = [dict(type='EngineTestWeightTrace')]
    runner = train_model(toy.Model(), toy.Dataset(n=16), cfg, dataloader_builder=toy.loader)
    assert runner.optim_wrapper.clip_grad_kwargs == dict(max_norm=0.5)
    trace = next(h for h in runner.hooks if isinstance(h, EngineTestWeightTrace)).weights
    # cumulative_iters=2: parameters change after iterations 2 and 4 only
    changed = [not torch.equal(a, b) for a, b in itertools.pairwise(trace)]
    assert changed == [False, True, False, True]


@HOOKS.register_module()
class EngineTestGroupTrace(Hook):
    def before_run(self, runner):
        self.groups = []

    def before_train_iter(self, runner):
        groups = runner.optimizer.param_groups
        self.groups.append([(g['lr'], g.get('momentum')) for g in groups])


def test_paramwise_cfg_and_cyclic_lr_and_momentum_in_a_run(toy_cfg, toy):
    cfg = toy_cfg(
        runner=dict(type='IterBasedRunner', max_iters=10),
        optimizer=dict(type='SGD', lr=0.1, momentum=0.95, paramwise_cfg=dict(bias_lr_mult=2.0)),
        lr_config=dict(policy='cyclic', target_ratio=(10, 1e-4), step_ratio_up=0.4),
        momentum_config=dict(policy='cyclic'),
        custom_hooks=[dict(type='EngineTestGroupTrace')],
    )
    runner = train_model(toy.Model(), toy.Dataset(n=32), cfg, dataloader_builder=toy.loader)
    trace = next(h for h in runner.hooks if isinstance(h, EngineTestGroupTrace)).groups
    # two param groups (weight, bias with 2x lr); 10 iterations, up phase of 4
    weight, bias = zip(*trace, strict=True)
    assert [lr for lr, _ in weight][:5] == pytest.approx(
        [
            0.1,
            0.1 + 0.45 * (1 - math.cos(math.pi / 4)),
            0.55,
            0.1 + 0.45 * (1 + math.cos(math.pi / 4)),
            1.0,
        ]
    )
    assert [lr for lr, _ in bias] == pytest.approx([2 * lr for lr, _ in weight])
    # momentum: 0.95 -> 0.85 over the up phase, back to 0.95 after
    assert weight[0][1] == pytest.approx(0.95)
    assert weight[4][1] == pytest.approx(0.85)
    assert weight[7][1] == pytest.approx(0.85 + 0.1 * 0.5)


@pytest.mark.gpu
@pytest.mark.parametrize('fp16', [None, dict(loss_scale=512.0)])
def test_a_run_on_cuda_trains_like_the_cpu_run(toy_cfg, toy, fp16):
    from mmengine.optim import AmpOptimWrapper

    runs = {}
    for device in ('cpu', 'cuda'):
        # AMP needs CUDA: the CPU run is the full-precision reference
        extra = dict(fp16=fp16) if fp16 and device == 'cuda' else {}
        cfg = toy_cfg(work_dir=f'{toy_cfg().work_dir}_{device}', **extra)
        runs[device] = train_model(
            toy.Model(), toy.Dataset(), cfg, dataloader_builder=toy.loader, device=device
        )
    gpu_model = runs['cuda'].model
    assert all(p.device.type == 'cuda' for p in gpu_model.parameters())
    assert isinstance(runs['cuda'].optim_wrapper, AmpOptimWrapper) == (fp16 is not None)
    cpu_weight = runs['cpu'].model.fc.weight.detach()
    gpu_weight = gpu_model.fc.weight.detach().cpu()
    assert not torch.equal(gpu_weight, toy.Model().fc.weight.detach())  # it trained
    tolerance = 1e-2 if fp16 else 1e-5  # half-precision forward passes
    torch.testing.assert_close(gpu_weight, cpu_weight, rtol=tolerance, atol=tolerance)
