"""mmfewshot.classification.apis."""

from .inference import (
    SUPPORT_IMAGE_EXTENSIONS,
    inference_classifier,
    init_classifier,
    process_support_images,
    show_result_pyplot,
    support_images_from_folder,
)
from .test import Z_SCORE, multi_gpu_meta_test, single_gpu_meta_test, test_single_task
from .train import train_model

__all__ = [
    'SUPPORT_IMAGE_EXTENSIONS',
    'Z_SCORE',
    'inference_classifier',
    'init_classifier',
    'multi_gpu_meta_test',
    'process_support_images',
    'show_result_pyplot',
    'single_gpu_meta_test',
    'support_images_from_folder',
    'test_single_task',
    'train_model',
]
