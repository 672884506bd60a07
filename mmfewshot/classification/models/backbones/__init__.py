"""mmfewshot.classification.models.backbones."""

from .conv4 import Conv4, Conv4NoPool, ConvNet
from .resnet12 import ResNet12, ResNet12Block
from .wrn import WideResNet, WRN28x10, WRNBlock

__all__ = [
    'Conv4',
    'Conv4NoPool',
    'ConvNet',
    'ResNet12',
    'ResNet12Block',
    'WRN28x10',
    'WRNBlock',
    'WideResNet',
]
