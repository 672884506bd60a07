"""mmfewshot.detection.datasets."""

from . import pipelines
from .base import BaseFewShotDataset
from .builder import build_dataloader, build_dataset
from .coco import FewShotCocoDataset
from .copy import FewShotCocoCopyDataset, FewShotVOCCopyDataset
from .dataloader_wrappers import NWayKShotDataloader, TwoBranchDataloader
from .default import FewShotCocoDefaultDataset, FewShotVOCDefaultDataset
from .few_shot_splits import generate_coco_few_shot_splits, generate_voc_few_shot_splits
from .glyph_scenes import GLYPH_SCENES_CLASSES, GLYPH_SCENES_SPLIT, generate_glyph_scenes
from .glyph_scenes_datasets import (
    GlyphScenesCocoCopyDataset,
    GlyphScenesCocoDataset,
    GlyphScenesCocoDefaultDataset,
    GlyphScenesVOCCopyDataset,
    GlyphScenesVOCDataset,
    GlyphScenesVOCDefaultDataset,
)
from .nway_kshot_dataset import NWayKShotDataset
from .pipelines import CropResizeInstance, GenerateMask
from .query_aware_dataset import QueryAwareDataset
from .splits import COCO_SPLIT, VOC_SPLIT
from .two_branch_dataset import TwoBranchDataset
from .utils import NumpyEncoder, get_copy_dataset_type
from .voc import FewShotVOCDataset

__all__: list[str] = [
    'COCO_SPLIT',
    'GLYPH_SCENES_CLASSES',
    'GLYPH_SCENES_SPLIT',
    'VOC_SPLIT',
    'BaseFewShotDataset',
    'CropResizeInstance',
    'FewShotCocoCopyDataset',
    'FewShotCocoDataset',
    'FewShotCocoDefaultDataset',
    'FewShotVOCCopyDataset',
    'FewShotVOCDataset',
    'FewShotVOCDefaultDataset',
    'GenerateMask',
    'GlyphScenesCocoCopyDataset',
    'GlyphScenesCocoDataset',
    'GlyphScenesCocoDefaultDataset',
    'GlyphScenesVOCCopyDataset',
    'GlyphScenesVOCDataset',
    'GlyphScenesVOCDefaultDataset',
    'NWayKShotDataloader',
    'NWayKShotDataset',
    'NumpyEncoder',
    'QueryAwareDataset',
    'TwoBranchDataloader',
    'TwoBranchDataset',
    'build_dataloader',
    'build_dataset',
    'generate_coco_few_shot_splits',
    'generate_glyph_scenes',
    'generate_voc_few_shot_splits',
    'get_copy_dataset_type',
    'pipelines',
]
