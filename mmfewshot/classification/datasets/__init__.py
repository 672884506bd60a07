"""mmfewshot.classification.datasets."""

from mmfewshot.registry import DATASETS, PIPELINES

from . import pipelines
from .base import BaseFewShotDataset
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
    'EpisodicDataset',
    'GlyphsDataset',
    'LoadImageFromBytes',
    'MetaTestDataset',
    'MiniImageNetDataset',
    'TieredImageNetDataset',
    'label_wrapper',
    'pipelines',
]
