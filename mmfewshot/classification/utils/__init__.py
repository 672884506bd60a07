"""mmfewshot.classification.utils."""

from .meta_test_parallel import MetaTestParallel, scatter_to_device

__all__ = ['MetaTestParallel', 'scatter_to_device']
