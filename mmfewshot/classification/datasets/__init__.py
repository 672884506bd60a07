"""mmfewshot.classification.datasets."""

from .base import BaseFewShotDataset
from .cub import CUBDataset
from .glyphs import GlyphsDataset
from .mini_imagenet import MiniImageNetDataset
from .tiered_imagenet import TieredImageNetDataset

__all__ = [
    'BaseFewShotDataset',
    'CUBDataset',
    'GlyphsDataset',
    'MiniImageNetDataset',
    'TieredImageNetDataset',
]
