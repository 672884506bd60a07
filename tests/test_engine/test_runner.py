import os
import os.path as osp

import numpy as np
import pytest
import torch

from mmfewshot.engine import FewShotRunner, Hook, train_model
from mmfewshot.registry import HOOKS
from mmfewshot.utils.compat import load_checkpoint_file


class _StopError(Exception):
    pass


@HOOKS.register_module()
class EngineTestStopAfter(Hook):
    """Simulates a run killed right after iteration ``n`` (and its checkpoint)."""

    priority = 'LOWEST'

    def __init__(self, n):
        self.n = n

    def after_train_iter(self, runner):
        if runner.iter + 1 == self.n:
            raise _StopError


@HOOKS.register_module()
class EngineTestRecordLr(Hook):
    """Records the learning rate each iteration trains with (0.x hook reading runner.optimizer)."""

    def __init__(self):
        self.lrs = {}

    def before_train_iter(self, runner):
        self.lrs[runner.iter] = runner.optimizer.param_groups[0]['lr']


def iter_cfg(toy_cfg, max_iters, **extra):
    return toy_cfg(
        runner=dict(type='IterBasedRunner', max_iters=max_iters),
        lr_config=dict(policy='CosineAnnealing', min_lr=0.001, warmup='linear', warmup_iters=2,
                       warmup_ratio=0.1),
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-3),
        checkpoint_config=dict(interval=2),
        **extra,
    )  # fmt: skip


def run(cfg, toy):
    # 16 samples: iteration-based runs here never exhaust the loader (mmengine sleeps 2 s then)
    return train_model(toy.Model(), toy.Dataset(n=16), cfg, dataloader_builder=toy.loader)


def lr_hook(runner):
    return next(h for h in runner.hooks if isinstance(h, EngineTestRecordLr))


def test_straight_run_equals_two_plus_resume_plus_two(toy_cfg, toy, tmp_path):
    straight = run(iter_cfg(toy_cfg, 4, work_dir=str(tmp_path / 'a')), toy)

    killed_cfg = iter_cfg(toy_cfg, 4, work_dir=str(tmp_path / 'b'),
                          custom_hooks=[dict(type='EngineTestStopAfter', n=2)])  # fmt: skip
    with pytest.raises(_StopError):
        run(killed_cfg, toy)
    assert sorted(f for f in os.listdir(tmp_path / 'b') if f.endswith('.pth')) == [
        'iter_2.pth',
        'latest.pth',
    ]
    resumed = run(
        iter_cfg(
            toy_cfg, 4, work_dir=str(tmp_path / 'b'), resume_from=str(tmp_path / 'b/iter_2.pth')
        ),
        toy,
    )
    assert resumed.iter == straight.iter == 4
    for (name, a), (_, b) in zip(
        straight.model.state_dict().items(), resumed.model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    opt_a, opt_b = straight.optimizer.state_dict(), resumed.optimizer.state_dict()
    for key in opt_a['state']:
        assert torch.equal(
            opt_a['state'][key]['momentum_buffer'], opt_b['state'][key]['momentum_buffer']
        )
    assert opt_a['param_groups'][0]['lr'] == opt_b['param_groups'][0]['lr']
    final_a = load_checkpoint_file(str(tmp_path / 'a/iter_4.pth'))
    final_b = load_checkpoint_file(str(tmp_path / 'b/iter_4.pth'))
    assert (
        final_a['optimizer']['param_groups'][0]['lr']
        == final_b['optimizer']['param_groups'][0]['lr']
    )
    for key, value in final_a['state_dict'].items():
        assert torch.equal(value, final_b['state_dict'][key])


def test_resume_with_larger_max_iters_follows_the_current_schedule(toy_cfg, toy, tmp_path):
    record = [dict(type='EngineTestRecordLr')]
    straight = run(iter_cfg(toy_cfg, 6, work_dir=str(tmp_path / 'a'), custom_hooks=record), toy)
    run(iter_cfg(toy_cfg, 4, work_dir=str(tmp_path / 'b')), toy)
    resumed = run(
        iter_cfg(toy_cfg, 6, work_dir=str(tmp_path / 'b'), custom_hooks=record,
                 resume_from=str(tmp_path / 'b/iter_4.pth')),
        toy,
    )  # fmt: skip
    expected = lr_hook(straight).lrs
    got = lr_hook(resumed).lrs
    assert sorted(got) == [4, 5]
    # cosine over 6 iterations from 0.1 to 0.001, as a straight 6-iteration run
    for i in (4, 5):
        assert got[i] == pytest.approx(expected[i])
        assert got[i] == pytest.approx(
            0.001 + 0.0495 * (1 + torch.cos(torch.tensor(i / 6 * 3.141592653589793)).item())
        )


def test_checkpoints_are_plain_data_weights_only_and_atomic(toy_cfg, toy, tmp_path, monkeypatch):
    runner = run(iter_cfg(toy_cfg, 2, work_dir=str(tmp_path)), toy)
    path = str(tmp_path / 'iter_2.pth')
    assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint['param_schedulers'] == [{'last_step': 2, '_global_step': 2}]
    assert osp.realpath(tmp_path / 'latest.pth') == osp.realpath(path)
    assert not [f for f in os.listdir(tmp_path) if '.tmp-' in f]

    # a save that dies half-way leaves neither a truncated target nor a temporary file
    def broken_save(obj, f, *args, **kwargs):
        f.write(b'partial')
        raise OSError('disk full')

    monkeypatch.setattr(torch, 'save', broken_save)
    with pytest.raises(OSError, match='disk full'):
        runner.save_checkpoint(str(tmp_path), 'iter_99.pth')
    assert not osp.exists(tmp_path / 'iter_99.pth')
    assert not [f for f in os.listdir(tmp_path) if '.tmp-' in f]


def test_load_from_loads_weights_only(toy_cfg, toy, tmp_path):
    model = toy.Model()
    with torch.no_grad():
        model.fc.weight.fill_(3.0)
    meta = {'best': np.float64(0.5)}  # a numpy scalar, as in mmcv-era checkpoints
    torch.save({'state_dict': model.state_dict(), 'meta': meta}, tmp_path / 'init.pth')
    cfg = toy_cfg(load_from=str(tmp_path / 'init.pth'), optimizer=dict(type='SGD', lr=0.0),
                  runner=dict(type='IterBasedRunner', max_iters=1))  # fmt: skip
    runner = run(cfg, toy)
    assert torch.equal(runner.model.fc.weight, torch.full((2, 4), 3.0))


def test_runner_exposes_0x_attributes_and_meta(toy_cfg, toy, tmp_path):
    cfg = toy_cfg(checkpoint_config=dict(interval=1, meta=dict(CLASSES=('a', 'b'))))
    runner = train_model(
        toy.Model(), toy.Dataset(), cfg, meta=dict(seed=0, config='text'),
        dataloader_builder=toy.loader,
    )  # fmt: skip
    assert isinstance(runner, FewShotRunner)
    assert runner.optimizer is runner.optim_wrapper.optimizer
    assert runner.data_loader is runner.train_dataloader
    assert runner.inner_iter == 3
    assert 'loss' in runner.outputs
    meta = load_checkpoint_file(osp.join(cfg.work_dir, 'epoch_2.pth'))['meta']
    assert meta['CLASSES'] == ('a', 'b')
    assert (meta['config'], meta['epoch'], meta['iter']) == ('text', 2, 8)


def test_checkpoint_config_interval_max_keep_and_save_optimizer(toy_cfg, toy, tmp_path):
    cfg = toy_cfg(
        runner=dict(type='EpochBasedRunner', max_epochs=3),
        checkpoint_config=dict(interval=1, max_keep_ckpts=1, save_optimizer=False),
    )
    run(cfg, toy)
    assert sorted(p.name for p in tmp_path.joinpath('work').glob('*.pth')) == [
        'epoch_3.pth', 'latest.pth'
    ]  # fmt: skip
    checkpoint = load_checkpoint_file(str(tmp_path / 'work' / 'epoch_3.pth'))
    assert 'optimizer' not in checkpoint
    # by_epoch=False in an epoch-based run (2 epochs of 8 iterations): every 5 iterations + last
    iter_cfg = toy_cfg(work_dir=str(tmp_path / 'by_iter'),
                       checkpoint_config=dict(interval=5, by_epoch=False))  # fmt: skip
    run(iter_cfg, toy)
    assert sorted(p.name for p in tmp_path.joinpath('by_iter').glob('iter_*.pth')) == [
        'iter_10.pth', 'iter_15.pth', 'iter_16.pth', 'iter_5.pth'
    ]  # fmt: skip


class _IndexRecordingModel:
    """Builds a toy model that records the dataset indices of every training batch."""

    @staticmethod
    def build(toy):
        class Recording(toy.Model):
            def __init__(self):
                super().__init__()
                self.seen = []

            def forward(self, img, gt_label, index, mode='train'):
                if mode == 'train':
                    self.seen.append(index.tolist())
                return super().forward(img, gt_label, index, mode)

        return Recording()


def test_epoch_based_resume_sees_the_straight_runs_shuffled_order(toy_cfg, toy, tmp_path):
    from mmfewshot.utils.dataloader import build_dataloader

    def epoch_cfg(work_dir, **extra):
        return toy_cfg(work_dir=str(work_dir), runner=dict(type='EpochBasedRunner', max_epochs=3),
                       checkpoint_config=dict(interval=1), **extra)  # fmt: skip

    def train(cfg):
        model = _IndexRecordingModel.build(toy)
        train_model(model, toy.Dataset(n=8), cfg, dataloader_builder=build_dataloader)
        return model

    straight = train(epoch_cfg(tmp_path / 'a'))
    epochs = [[i for batch in straight.seen[e * 4 : e * 4 + 4] for i in batch] for e in range(3)]
    assert all(sorted(order) == list(range(8)) for order in epochs)
    assert epochs[0] != epochs[1]  # shuffled anew each epoch
    # killed in the second epoch, after epoch_1.pth was written
    with pytest.raises(_StopError):
        train(epoch_cfg(tmp_path / 'b', custom_hooks=[dict(type='EngineTestStopAfter', n=6)]))
    resumed = train(epoch_cfg(tmp_path / 'b', resume_from=str(tmp_path / 'b/epoch_1.pth')))
    assert resumed.seen == straight.seen[4:]
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key
