# Meta-test on the embedded Glyphs benchmark (generated on first use under data/glyphs):
# 32x32 images of characters from scripts unseen in training, 5-way 5-shot, 15 queries.
img_size = 32
img_norm_cfg = dict(mean=[210.4, 210.4, 210.4], std=[87.6, 87.6, 87.6], to_rgb=False)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='ImageToTensor', keys=['img']),
    dict(type='Collect', keys=['img', 'gt_label']),
]

num_ways = 5
num_shots = 5
num_queries = 15
num_val_episodes = 100
num_test_episodes = 2000

data = dict(
    val=dict(
        type='MetaTestDataset',
        num_episodes=num_val_episodes,
        num_ways=num_ways,
        num_shots=num_shots,
        num_queries=num_queries,
        # the same validation episodes at every evaluation
        episodes_seed=0,
        dataset=dict(
            type='GlyphsDataset', subset='val', data_prefix='data/glyphs', pipeline=test_pipeline
        ),
        meta_test_cfg=dict(
            num_episodes=num_val_episodes,
            num_ways=num_ways,
            fast_test=False,
            test_set=dict(batch_size=128, num_workers=0),
            support=dict(batch_size=num_ways * num_shots, num_workers=0),
            query=dict(batch_size=num_ways * num_queries, num_workers=0),
        ),
    ),
    test=dict(
        type='MetaTestDataset',
        num_episodes=num_test_episodes,
        num_ways=num_ways,
        num_shots=num_shots,
        num_queries=num_queries,
        # seed for generating the meta-test episodes
        episodes_seed=0,
        dataset=dict(
            type='GlyphsDataset', subset='test', data_prefix='data/glyphs', pipeline=test_pipeline
        ),
        meta_test_cfg=dict(
            num_episodes=num_test_episodes,
            num_ways=num_ways,
            fast_test=False,
            test_set=dict(batch_size=128, num_workers=0),
            support=dict(batch_size=num_ways * num_shots, num_workers=0),
            query=dict(batch_size=num_ways * num_queries, num_workers=0),
        ),
    ),
)
