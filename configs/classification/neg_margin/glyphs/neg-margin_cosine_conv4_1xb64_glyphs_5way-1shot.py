_base_ = [
    '../../_base_/meta_test/glyphs_meta-test_5way-1shot.py',
    '../../_base_/runtime/glyphs_epoch_based_runtime.py',
    '../../_base_/schedules/sgd_200epoch.py',
]

img_norm_cfg = dict(mean=[210.4, 210.4, 210.4], std=[87.6, 87.6, 87.6], to_rgb=False)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='ToTensor', keys=['gt_label']),
    dict(type='Collect', keys=['img', 'gt_label']),
]

meta_finetune_cfg = dict(
    num_steps=150,
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, dampening=0.9, weight_decay=0.001),
)
data = dict(
    samples_per_gpu=64,
    workers_per_gpu=1,
    train=dict(
        type='GlyphsDataset', data_prefix='data/glyphs', subset='train', pipeline=train_pipeline
    ),
    val=dict(
        meta_test_cfg=dict(
            fast_test=True,
            support=dict(batch_size=4, drop_last=True, train=meta_finetune_cfg),
        )
    ),
    test=dict(
        meta_test_cfg=dict(
            fast_test=True,
            support=dict(batch_size=4, drop_last=True, train=meta_finetune_cfg),
        )
    ),
)

model = dict(
    type='NegMargin',
    backbone=dict(type='Conv4'),
    head=dict(
        type='NegMarginHead',
        num_classes=400,
        in_channels=256,
        metric_type='cosine',
        margin=-0.02,
        temperature=10.0,
    ),
    meta_test_head=dict(
        type='NegMarginHead',
        num_classes=5,
        in_channels=256,
        metric_type='cosine',
        margin=0.0,
        temperature=5.0,
    ),
)
runner = dict(type='EpochBasedRunner', max_epochs=10)
lr_config = dict(policy='step', warmup='linear', warmup_iters=100, warmup_ratio=0.25, step=[7])
evaluation = dict(interval=5)
checkpoint_config = dict(interval=10)
