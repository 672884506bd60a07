_base_ = [
    '../../_base_/meta_test/glyphs_meta-test_5way-1shot.py',
    '../../_base_/runtime/glyphs_iter_based_runtime.py',
    '../../_base_/schedules/sgd_100k_iter.py',
]

img_norm_cfg = dict(mean=[210.4, 210.4, 210.4], std=[87.6, 87.6, 87.6], to_rgb=False)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]

data = dict(
    samples_per_gpu=1,
    workers_per_gpu=1,
    train=dict(
        type='EpisodicDataset',
        num_episodes=100000,
        num_ways=10,
        num_shots=5,
        num_queries=5,
        dataset=dict(
            type='GlyphsDataset', data_prefix='data/glyphs', subset='train', pipeline=train_pipeline
        ),
    ),
    val=dict(meta_test_cfg=dict(fast_test=True)),
    test=dict(meta_test_cfg=dict(fast_test=True)),
)

model = dict(type='MetaBaseline', backbone=dict(type='Conv4'), head=dict(type='MetaBaselineHead'))
runner = dict(type='IterBasedRunner', max_iters=400)
evaluation = dict(interval=200)
checkpoint_config = dict(interval=200)
# Meta-Baseline starts from the Baseline trained on the same classes.
load_from = './work_dirs/baseline_conv4_1xb64_glyphs_5way-1shot/best_accuracy_mean.pth'
lr_config = dict(warmup_iters=50, step=[300])
