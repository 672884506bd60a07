"""mmfewshot.utils: samplers, collation, seeding, logging and config helpers."""

from .collate import collate, multi_pipeline_collate_fn
from .data_container import DataContainer

__all__ = [
    'DataContainer',
    'collate',
    'multi_pipeline_collate_fn',
]
