"""mmfewshot.detection.apis."""

from mmfewshot.engine import multi_gpu_test, single_gpu_test

from .train import train_detector

__all__: list[str] = ['multi_gpu_test', 'single_gpu_test', 'train_detector']
