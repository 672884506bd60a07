"""mmfewshot.utils: samplers, collation, seeding, logging and config helpers."""

from .collate import collate, multi_pipeline_collate_fn
from .data_container import DataContainer
from .data_preprocessor import FewShotDataPreprocessor

__all__ = [
    'DataContainer',
    'FewShotDataPreprocessor',
    'collate',
    'multi_pipeline_collate_fn',
]
