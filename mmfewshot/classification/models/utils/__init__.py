"""mmfewshot.classification.models.utils."""

from .drop_block import DropBlock, drop_block_gamma
from .episode import compute_prototypes, episode_class_ids, map_labels
from .maml_module import (
    BatchNorm2dWithFastWeight,
    Conv2dWithFastWeight,
    LinearWithFastWeight,
    convert_maml_module,
    set_fast_weights,
)

__all__ = [
    'BatchNorm2dWithFastWeight',
    'Conv2dWithFastWeight',
    'DropBlock',
    'LinearWithFastWeight',
    'compute_prototypes',
    'convert_maml_module',
    'drop_block_gamma',
    'episode_class_ids',
    'map_labels',
    'set_fast_weights',
]
