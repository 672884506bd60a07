"""mmfewshot.classification.datasets."""

from mmfewshot.registry import DATASETS, PIPELINES
from mmfewshot.utils.dataset_wrappers import ClassBalancedDataset, ConcatDataset, RepeatDataset

from . import pipelines
from .base import BaseFewShotDataset
from .builder import build_dataloader, build_dataset, build_meta_test_dataloader
from .cub import CUBDataset
from .dataset_wrappers import EpisodicDataset, MetaTestDataset
from .glyphs import GlyphsDataset
from .mini_imagenet import MiniImageNetDataset
from .pipelines import LoadImageFromBytes
from .tiered_imagenet import TieredImageNetDataset
from .utils import label_wrapper

__all__ = [
    'DATASETS',
    'PIPELINES',
    'BaseFewShotDataset',
    'CUBDataset',
    'ClassBalancedDataset',
    'ConcatDataset',
    'EpisodicDataset',
    'GlyphsDataset',
    'LoadImageFromBytes',
    'MetaTestDataset',
    'MiniImageNetDataset',
    'RepeatDataset',
    'TieredImageNetDataset',
    'build_dataloader',
    'build_dataset',
    'build_meta_test_dataloader',
    'label_wrapper',
    'pipelines',
]
