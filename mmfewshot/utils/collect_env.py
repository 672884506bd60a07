"""Versions of the software MMFewShot runs on, for logs and bug reports."""

from __future__ import annotations

import platform
import sys
from importlib import import_module

import numpy as np
import torch


def _version(module: str) -> str:
    """``module.__version__``, or ``'not installed'`` when it cannot be imported."""
    try:
        return str(import_module(module).__version__)
    except ImportError:
        return 'not installed'


def collect_env() -> dict[str, str]:
    """Collects the versions of Python, the libraries and the accelerator.

    Returns:
        An ordered mapping: ``sys.platform``, ``Python``, ``CUDA available``,
        ``GPU <ids>`` (one entry per GPU model, only with CUDA), ``PyTorch``,
        ``TorchVision``, ``NumPy``, ``MMEngine``, ``MMCV`` and ``MMFewShot``.
    """
    from mmfewshot.version import __version__

    env: dict[str, str] = {
        'sys.platform': sys.platform,
        'Python': sys.version.replace('\n', ''),
        'Machine': platform.machine(),
        'CUDA available': str(torch.cuda.is_available()),
    }
    if torch.cuda.is_available():
        devices: dict[str, list[str]] = {}
        for k in range(torch.cuda.device_count()):
            devices.setdefault(torch.cuda.get_device_name(k), []).append(str(k))
        for name, ids in devices.items():
            env[f'GPU {",".join(ids)}'] = name
        env['CUDA (torch build)'] = str(torch.version.cuda)
    env['PyTorch'] = torch.__version__
    env['TorchVision'] = _version('torchvision')
    env['NumPy'] = np.__version__
    env['MMEngine'] = _version('mmengine')
    env['MMCV'] = _version('mmcv')
    env['MMFewShot'] = __version__
    return env


__all__ = ['collect_env']
