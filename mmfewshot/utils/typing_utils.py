"""Type aliases shared across MMFewShot."""

from __future__ import annotations

from typing import Any, TypeAlias

from mmengine.config import ConfigDict

ConfigType: TypeAlias = ConfigDict | dict[str, Any]
OptConfigType: TypeAlias = ConfigType | None
MultiConfig: TypeAlias = ConfigType | list[ConfigType]
OptMultiConfig: TypeAlias = MultiConfig | None

__all__ = ['ConfigType', 'MultiConfig', 'OptConfigType', 'OptMultiConfig']
