"""Thin builders kept for the 0.x API (``build_classifier`` etc.); all build through ``MODELS``."""

from __future__ import annotations

import copy

from torch import nn

from mmfewshot.registry import BACKBONES, CLASSIFIERS, HEADS, LOSSES, MODELS, NECKS
from mmfewshot.utils.typing_utils import ConfigType


def build_classifier(cfg: ConfigType) -> nn.Module:
    """Builds a classifier, e.g. ``build_classifier(cfg.model)``."""
    return MODELS.build(copy.deepcopy(cfg))


def build_backbone(cfg: ConfigType) -> nn.Module:
    """Builds a backbone."""
    return MODELS.build(copy.deepcopy(cfg))


def build_neck(cfg: ConfigType) -> nn.Module:
    """Builds a neck."""
    return MODELS.build(copy.deepcopy(cfg))


def build_head(cfg: ConfigType) -> nn.Module:
    """Builds a head."""
    return MODELS.build(copy.deepcopy(cfg))


def build_loss(cfg: ConfigType) -> nn.Module:
    """Builds a loss."""
    return MODELS.build(copy.deepcopy(cfg))


__all__ = [
    'BACKBONES',
    'CLASSIFIERS',
    'HEADS',
    'LOSSES',
    'NECKS',
    'build_backbone',
    'build_classifier',
    'build_head',
    'build_loss',
    'build_neck',
]
