# Runtime of the short CPU runs on the embedded Glyphs benchmark (epoch based).
checkpoint_config = dict(interval=5, max_keep_ckpts=1)
log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])
evaluation = dict(by_epoch=True, interval=5, metric='accuracy')
dist_params = dict(backend='gloo')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
pin_memory = False
use_infinite_sampler = True
seed = 0
