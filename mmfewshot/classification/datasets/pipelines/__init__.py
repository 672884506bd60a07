"""Classification-only pipeline transforms (mmcls 0.x names and arguments)."""

from .center_crop import CenterCrop
from .color_jitter import ColorJitter
from .load_image_from_bytes import LoadImageFromBytes
from .random_resized_crop import RandomResizedCrop

__all__ = ['CenterCrop', 'ColorJitter', 'LoadImageFromBytes', 'RandomResizedCrop']
