"""mmfewshot.classification.models.losses."""

from .accuracy import Accuracy, accuracy
from .cross_entropy_loss import (
    CrossEntropyLoss,
    binary_cross_entropy,
    mask_cross_entropy,
    softmax_cross_entropy,
)
from .mse_loss import MSELoss
from .nll_loss import NLLLoss
from .utils import weight_reduce_loss
from .weighted_loss import WeightedLoss

__all__ = [
    'Accuracy',
    'CrossEntropyLoss',
    'MSELoss',
    'NLLLoss',
    'WeightedLoss',
    'accuracy',
    'binary_cross_entropy',
    'mask_cross_entropy',
    'softmax_cross_entropy',
    'weight_reduce_loss',
]
