_base_ = [
    '../../_base_/meta_test/glyphs_meta-test_5way-1shot.py',
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

# 105 images per episode as in the original configs; a Glyphs class has 20 images,
# so 15 ways x (5 support + 2 query) instead of 5 x (5 + 16).
data = dict(
    samples_per_gpu=1,
    workers_per_gpu=1,
    train=dict(
        type='EpisodicDataset',
        num_episodes=100000,
        num_ways=15,
        num_shots=5,
        num_queries=2,
        dataset=dict(
            type='GlyphsDataset', data_prefix='data/glyphs', subset='train', pipeline=train_pipeline
        ),
    ),
    val=dict(meta_test_cfg=dict(fast_test=True)),
    test=dict(meta_test_cfg=dict(fast_test=True)),
)

# 32x32 input: Conv4NoPool gives (64, 6, 6) feature maps.
model = dict(
    type='RelationNet',
    backbone=dict(type='Conv4NoPool'),
    head=dict(type='RelationHead', in_channels=64, feature_size=(6, 6)),
)
runner = dict(type='IterBasedRunner', max_iters=1000)
evaluation = dict(interval=500)
checkpoint_config = dict(interval=500)
