"""mmfewshot.classification.core: meta-test evaluation and its training hooks."""

from .evaluation import (
    Z_SCORE,
    DistMetaTestEvalHook,
    MetaTestEvalHook,
    mean_confidence_interval,
    multi_gpu_meta_test,
    single_gpu_meta_test,
    summarize_task_results,
    test_single_task,
    z_score,
)

__all__ = [
    'Z_SCORE',
    'DistMetaTestEvalHook',
    'MetaTestEvalHook',
    'mean_confidence_interval',
    'multi_gpu_meta_test',
    'single_gpu_meta_test',
    'summarize_task_results',
    'test_single_task',
    'z_score',
]
