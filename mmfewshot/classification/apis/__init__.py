"""mmfewshot.classification.apis."""

from .inference import (
    inference_classifier,
    init_classifier,
    process_support_images,
    show_result_pyplot,
)
from .test import Z_SCORE, multi_gpu_meta_test, single_gpu_meta_test, test_single_task
from .train import train_model

__all__ = [
    'Z_SCORE',
    'inference_classifier',
    'init_classifier',
    'multi_gpu_meta_test',
    'process_support_images',
    'show_result_pyplot',
    'single_gpu_meta_test',
    'test_single_task',
    'train_model',
]
