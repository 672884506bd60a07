"""mmfewshot.utils: samplers, collation, seeding, logging and config helpers."""

from .collate import collate, multi_pipeline_collate_fn
from .data_container import DataContainer
from .data_preprocessor import FewShotDataPreprocessor
from .infinite_sampler import (
    DistributedInfiniteGroupSampler,
    DistributedInfiniteSampler,
    InfiniteGroupSampler,
    InfiniteSampler,
)

__all__ = [
    'DataContainer',
    'DistributedInfiniteGroupSampler',
    'DistributedInfiniteSampler',
    'FewShotDataPreprocessor',
    'InfiniteGroupSampler',
    'InfiniteSampler',
    'collate',
    'multi_pipeline_collate_fn',
]
