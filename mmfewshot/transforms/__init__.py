"""Image transforms shared by few-shot classification and detection pipelines."""

from .collect import DEFAULT_META_KEYS, Collect
from .compose import Compose
from .image_to_tensor import ImageToTensor
from .load_image_from_file import LoadImageFromFile
from .normalize import Normalize
from .random_flip import RandomFlip
from .resize import Resize
from .to_tensor import ToTensor
from .utils import to_tensor

__all__ = [
    'DEFAULT_META_KEYS',
    'Collect',
    'Compose',
    'ImageToTensor',
    'LoadImageFromFile',
    'Normalize',
    'RandomFlip',
    'Resize',
    'ToTensor',
    'to_tensor',
]
