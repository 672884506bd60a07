import pytest
from mmengine.config import Config

from mmfewshot.engine import translate_config

LEGACY = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, paramwise_cfg=dict(bias_lr_mult=2.0)),
    optimizer_config=dict(grad_clip=dict(max_norm=35, norm_type=2)),
    lr_config=dict(policy='step', step=[60, 120], warmup='linear', warmup_iters=3000),
    runner=dict(type='EpochBasedRunner', max_epochs=200),
    log_config=dict(
        interval=50, hooks=[dict(type='TextLoggerHook'), dict(type='TensorboardLoggerHook')]
    ),
    checkpoint_config=dict(interval=50, max_keep_ckpts=3, save_optimizer=False, meta=dict(a=1)),
    evaluation=dict(interval=5, metric='accuracy', save_best='auto'),
    workflow=[('train', 2), ('val', 1)],
    dist_params=dict(backend='gloo'),
    custom_hooks=[dict(type='X', priority='HIGH')],
    log_level='DEBUG',
    load_from='a.pth',
    seed=3,
    deterministic=True,
    data=dict(samples_per_gpu=2),
)


def test_full_legacy_config_translation():
    plan = translate_config(Config(LEGACY))
    kw = plan.runner_kwargs
    assert kw['train_cfg'] == dict(type='EpochBasedTrainLoop', max_epochs=200)
    assert kw['optim_wrapper'] == dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.05, momentum=0.9),
        paramwise_cfg=dict(bias_lr_mult=2.0),
        clip_grad=dict(max_norm=35, norm_type=2),
    )
    assert kw['param_scheduler'] == [
        dict(type='LegacyLrScheduler', policy='step', step=[60, 120], warmup='linear',
             warmup_iters=3000, by_epoch=True)
    ]  # fmt: skip
    assert kw['default_hooks']['logger'] == dict(type='LoggerHook', interval=50)
    assert kw['log_processor'] == dict(window_size=50, by_epoch=True)
    backends = [b['type'] for b in kw['visualizer']['vis_backends']]
    assert backends == ['LocalVisBackend', 'TensorboardVisBackend']
    assert kw['default_hooks']['checkpoint'] == dict(
        type='CheckpointHook', interval=50, by_epoch=True, save_optimizer=False,
        max_keep_ckpts=3, save_last=True,
    )  # fmt: skip
    assert plan.checkpoint_meta == dict(a=1)
    assert plan.eval_cfg == dict(interval=5, metric='accuracy', save_best='auto', by_epoch=True)
    assert plan.val_workflow == (2, 1)
    assert kw['env_cfg'] == dict(dist_cfg=dict(backend='gloo'))
    assert kw['custom_hooks'] == [dict(type='X', priority='HIGH')]
    assert kw['randomness'] == dict(seed=3, deterministic=True)
    assert (kw['load_from'], kw['resume'], kw['log_level']) == ('a.pth', False, 'DEBUG')


def test_iter_based_runner_defaults_by_epoch_false_everywhere():
    cfg = dict(
        optimizer=dict(type='Adam', lr=1e-3),
        optimizer_config=dict(type='GradientCumulativeOptimizerHook', cumulative_iters=8),
        lr_config=dict(policy='fixed'),
        momentum_config=dict(policy='cyclic'),
        runner=dict(type='IterBasedRunner', max_iters=100),
        log_config=dict(interval=10),
        checkpoint_config=dict(interval=40),
        evaluation=dict(interval=20),
    )
    plan = translate_config(cfg)
    kw = plan.runner_kwargs
    assert plan.by_epoch is False
    assert kw['train_cfg'] == dict(type='IterBasedTrainLoop', max_iters=100)
    assert kw['optim_wrapper']['accumulative_counts'] == 8
    assert [s['by_epoch'] for s in kw['param_scheduler']] == [False, False]
    assert kw['param_scheduler'][1]['type'] == 'LegacyMomentumScheduler'
    assert kw['default_hooks']['checkpoint']['by_epoch'] is False
    assert kw['log_processor']['by_epoch'] is False
    assert plan.eval_cfg['by_epoch'] is False


def test_infinite_sampler_and_fp16_and_resume():
    cfg = dict(
        optimizer=dict(type='SGD', lr=0.1),
        runner=dict(type='EpochBasedRunner', max_epochs=4),
        use_infinite_sampler=True,
        fp16=dict(loss_scale=512),
        resume_from='w/epoch_2.pth',
        load_from='ignored.pth',
    )
    plan = translate_config(cfg)
    kw = plan.runner_kwargs
    assert kw['train_cfg'] == dict(type='InfiniteEpochBasedRunner', max_epochs=4)
    assert kw['optim_wrapper']['type'] == 'AmpOptimWrapper'
    assert kw['optim_wrapper']['loss_scale'] == 512.0
    assert (kw['load_from'], kw['resume']) == ('w/epoch_2.pth', True)
    # a 0.x config without log_config / checkpoint_config registers neither hook (as mmcv)
    assert kw['default_hooks'] == dict(logger=None, checkpoint=None)
    assert kw['param_scheduler'] is None


def test_fp16_optimizer_hook_and_total_epochs():
    cfg = dict(
        optimizer=dict(type='SGD', lr=0.1),
        optimizer_config=dict(type='Fp16OptimizerHook', loss_scale='dynamic'),
        total_epochs=3,
    )
    kw = translate_config(cfg).runner_kwargs
    assert kw['optim_wrapper']['loss_scale'] == 'dynamic'
    assert kw['train_cfg'] == dict(type='EpochBasedTrainLoop', max_epochs=3)


def test_mmengine_schema_passes_through_unchanged():
    cfg = dict(
        train_cfg=dict(by_epoch=False, max_iters=10),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        param_scheduler=dict(type='MultiStepLR', milestones=[5], by_epoch=False),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=5)),
        val_dataloader=dict(batch_size=1),
        val_cfg=dict(),
        val_evaluator=dict(type='X'),
    )
    plan = translate_config(cfg)
    kw = plan.runner_kwargs
    assert kw['train_cfg'] == cfg['train_cfg']
    assert kw['optim_wrapper'] == cfg['optim_wrapper']
    assert kw['param_scheduler'] == [cfg['param_scheduler']]
    # mmengine's default logger stays (no 0.x key asked to drop it)
    assert kw['default_hooks'] == cfg['default_hooks']
    assert kw['val_evaluator'] == dict(type='X')
    assert plan.by_epoch is False


@pytest.mark.parametrize(
    ('cfg', 'error', 'match'),
    [
        (dict(optimizer=dict(lr=1), optim_wrapper=dict()), ValueError, "both 'optimizer'"),
        (dict(runner=dict(type='Foo', max_epochs=1)), ValueError, "runner.type='Foo'"),
        (dict(runner=dict(type='IterBasedRunner')), KeyError, 'needs max_iters'),
        (dict(optimizer=dict(lr=1)), ValueError, "has no 'type'"),
        (
            dict(optimizer=dict(type='SGD', lr=1), optimizer_config=dict(type='Bad')),
            ValueError,
            "optimizer_config.type='Bad'",
        ),
        (dict(lr_config=dict(step=[1])), KeyError, "lr_config needs a 'policy'"),
        (dict(log_config=dict(hooks=[dict(type='PaviLoggerHook')])), ValueError, 'Pavi'),
        (dict(workflow=[('val', 1)]), ValueError, 'workflow='),
        (dict(checkpoint_config=dict(bogus=1)), ValueError, r"\['bogus'\]"),
    ],
)
def test_bad_configs_raise_actionable_errors(cfg, error, match):
    with pytest.raises(error, match=match):
        translate_config(cfg)
