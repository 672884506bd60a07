_base_ = [
    '../../_base_/meta_test/glyphs_meta-test_5way-5shot.py',
    '../../_base_/runtime/glyphs_iter_based_runtime.py',
    '../../_base_/schedules/adam_100k_iter.py',
]

img_norm_cfg = dict(mean=[210.4, 210.4, 210.4], std=[87.6, 87.6, 87.6], to_rgb=False)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]

# MAML classifies 5 ways: 5 x (5 support + 15 query) = 100 images per episode.
data = dict(
    samples_per_gpu=1,
    workers_per_gpu=1,
    train=dict(
        type='EpisodicDataset',
        num_episodes=100000,
        num_ways=5,
        num_shots=5,
        num_queries=15,
        dataset=dict(
            type='GlyphsDataset', data_prefix='data/glyphs', subset='train', pipeline=train_pipeline
        ),
    ),
    val=dict(meta_test_cfg=dict(fast_test=False, support=dict(batch_size=5, num_inner_steps=5))),
    test=dict(meta_test_cfg=dict(fast_test=False, support=dict(batch_size=5, num_inner_steps=5))),
)

# Conv4 on 32x32 input gives 256-d features.
model = dict(
    type='MAML',
    num_inner_steps=2,
    inner_lr=0.01,
    first_order=False,
    backbone=dict(type='Conv4'),
    head=dict(type='LinearHead', num_classes=5, in_channels=256),
)
runner = dict(type='IterBasedRunner', max_iters=600)
evaluation = dict(interval=300)
checkpoint_config = dict(interval=300)
optimizer_config = dict(type='GradientCumulativeOptimizerHook', cumulative_iters=4, grad_clip=None)
