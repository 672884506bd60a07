"""MMFewShot: few-shot classification and detection in the OpenMMLab style."""

from .version import __version__, short_version, version_info

__all__ = ['__version__', 'short_version', 'version_info']
