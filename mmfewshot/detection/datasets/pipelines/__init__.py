"""Detection-only pipeline transforms (mmdet 2.x names and the few-shot ones)."""

from .crop_instance import CropInstance
from .crop_resize_instance import CropResizeInstance
from .default_format_bundle import DefaultFormatBundle
from .generate_mask import GenerateMask
from .load_annotations import LoadAnnotations
from .multi_image_collect import MultiImageCollect
from .multi_image_format_bundle import MultiImageFormatBundle
from .multi_image_normalize import MultiImageNormalize
from .multi_image_pad import MultiImagePad
from .multi_image_random_crop import MultiImageRandomCrop
from .multi_image_random_flip import MultiImageRandomFlip
from .multi_scale_flip_aug import MultiScaleFlipAug
from .pad import Pad
from .random_crop import RandomCrop
from .resize_to_multi_scale import ResizeToMultiScale

__all__ = [
    'CropInstance',
    'CropResizeInstance',
    'DefaultFormatBundle',
    'GenerateMask',
    'LoadAnnotations',
    'MultiImageCollect',
    'MultiImageFormatBundle',
    'MultiImageNormalize',
    'MultiImagePad',
    'MultiImageRandomCrop',
    'MultiImageRandomFlip',
    'MultiScaleFlipAug',
    'Pad',
    'RandomCrop',
    'ResizeToMultiScale',
]
