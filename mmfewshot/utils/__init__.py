"""mmfewshot.utils: samplers, collation, seeding, logging and config helpers."""

from .collate import collate, multi_pipeline_collate_fn
from .collect_env import collect_env
from .compat_config import compat_cfg
from .config import DictAction, merge_cfg_options
from .data_container import DataContainer
from .data_preprocessor import FewShotDataPreprocessor
from .dataloader import build_dataloader, worker_init_fn
from .dataset_wrappers import ClassBalancedDataset, ConcatDataset, RepeatDataset
from .dist_utils import check_dist_init, sync_random_seed
from .distributed_sampler import DistributedSampler
from .group_sampler import DistributedGroupSampler, GroupSampler
from .infinite_runner import InfiniteEpochBasedRunner
from .infinite_sampler import (
    DistributedInfiniteGroupSampler,
    DistributedInfiniteSampler,
    InfiniteGroupSampler,
    InfiniteSampler,
)
from .local_seed import local_numpy_seed
from .logger import get_root_logger

__all__ = [
    'ClassBalancedDataset',
    'ConcatDataset',
    'DataContainer',
    'DictAction',
    'DistributedGroupSampler',
    'DistributedInfiniteGroupSampler',
    'DistributedInfiniteSampler',
    'DistributedSampler',
    'FewShotDataPreprocessor',
    'GroupSampler',
    'InfiniteEpochBasedRunner',
    'InfiniteGroupSampler',
    'InfiniteSampler',
    'RepeatDataset',
    'build_dataloader',
    'check_dist_init',
    'collate',
    'collect_env',
    'compat_cfg',
    'get_root_logger',
    'local_numpy_seed',
    'merge_cfg_options',
    'multi_pipeline_collate_fn',
    'sync_random_seed',
    'worker_init_fn',
]
