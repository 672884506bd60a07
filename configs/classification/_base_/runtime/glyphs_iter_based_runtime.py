# Runtime of the short CPU runs on the embedded Glyphs benchmark (iteration based).
checkpoint_config = dict(interval=1000, max_keep_ckpts=1)
log_config = dict(interval=100, hooks=[dict(type='TextLoggerHook')])
evaluation = dict(by_epoch=False, interval=1000, metric='accuracy')
dist_params = dict(backend='gloo')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
pin_memory = False
use_infinite_sampler = True
seed = 0
