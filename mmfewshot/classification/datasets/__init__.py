"""mmfewshot.classification.datasets."""

from mmfewshot.registry import DATASETS, PIPELINES

from . import pipelines
from .base import BaseFewShotDataset
from .cub import CUBDataset
from .glyphs import GlyphsDataset
from .mini_imagenet import MiniImageNetDataset
from .pipelines import LoadImageFromBytes
from .tiered_imagenet import TieredImageNetDataset

__all__ = [
    'DATASETS',
    'PIPELINES',
    'BaseFewShotDataset',
    'CUBDataset',
    'GlyphsDataset',
    'LoadImageFromBytes',
    'MiniImageNetDataset',
    'TieredImageNetDataset',
    'pipelines',
]
