"""Meta-test evaluation: loops, confidence intervals and training hooks."""

from .confidence_interval import (
    Z_SCORE,
    mean_confidence_interval,
    summarize_task_results,
    z_score,
)
from .dist_meta_test_eval_hook import DistMetaTestEvalHook
from .meta_test import (
    extract_features_for_fast_test,
    multi_gpu_meta_test,
    single_gpu_meta_test,
    test_single_task,
)
from .meta_test_eval_hook import MetaTestEvalHook

__all__ = [
    'Z_SCORE',
    'DistMetaTestEvalHook',
    'MetaTestEvalHook',
    'extract_features_for_fast_test',
    'mean_confidence_interval',
    'multi_gpu_meta_test',
    'single_gpu_meta_test',
    'summarize_task_results',
    'test_single_task',
    'z_score',
]
