"""Parameter schedulers that reproduce mmcv 1.x lr and momentum policies."""

from .legacy_lr_scheduler import LegacyLrScheduler
from .legacy_momentum_scheduler import LegacyMomentumScheduler
from .legacy_param_scheduler import LegacyParamScheduler

__all__ = ['LegacyLrScheduler', 'LegacyMomentumScheduler', 'LegacyParamScheduler']
