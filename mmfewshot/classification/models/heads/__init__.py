"""mmfewshot.classification.models.heads."""

from .base_head import BaseFewShotHead
from .cosine_distance_head import CosineDistanceHead, WeightNormLinear
from .linear_head import LinearHead
from .matching_head import MatchingHead
from .meta_baseline_head import MetaBaselineHead
from .neg_margin_head import NegMarginHead
from .prototype_head import PrototypeHead
from .prototype_scoring_head import PrototypeScoringHead
from .relation_head import RelationHead

__all__ = [
    'BaseFewShotHead',
    'CosineDistanceHead',
    'LinearHead',
    'MatchingHead',
    'MetaBaselineHead',
    'NegMarginHead',
    'PrototypeHead',
    'PrototypeScoringHead',
    'RelationHead',
    'WeightNormLinear',
]
