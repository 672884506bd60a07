"""Checkpoint contents that ``torch.load(weights_only=True)`` can read back.

mmengine puts :class:`~mmengine.logging.HistoryBuffer` objects (which pickle
functions through ``builtins.getattr``) and numpy scalars into checkpoints.
:func:`to_plain_checkpoint` stores them as plain data (lists, dicts, floats);
:func:`from_plain_checkpoint` restores the history buffers on loading.
:func:`update_latest_link` keeps mmcv 1.x's ``latest.pth`` that 0.x configs load.
"""

from __future__ import annotations

import os
import os.path as osp
import shutil
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
from mmengine.logging import HistoryBuffer

_BUFFER_TAG = '__history_buffer__'


def to_plain_data(value: Any) -> Any:
    """Recursively replaces numpy scalars, arrays and history buffers by plain data."""
    if isinstance(value, HistoryBuffer):
        logs, counts = value.data
        return {
            _BUFFER_TAG: True,
            'log_history': np.asarray(logs).tolist(),
            'count_history': np.asarray(counts).tolist(),
            'max_length': int(value.max_length),
        }
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, OrderedDict):  # in torch's allow-list; keeps message-hub order
        return OrderedDict((key, to_plain_data(item)) for key, item in value.items())
    if isinstance(value, Mapping):  # ConfigDict and other mappings become dicts
        return {key: to_plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain_data(item) for item in value]
    if isinstance(value, tuple) and not hasattr(value, '_fields'):
        return tuple(to_plain_data(item) for item in value)
    return value


def _restore_buffers(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get(_BUFFER_TAG):
            return HistoryBuffer(
                list(value['log_history']), list(value['count_history']), value['max_length']
            )
        restored = ((key, _restore_buffers(item)) for key, item in value.items())
        return OrderedDict(restored) if isinstance(value, OrderedDict) else dict(restored)
    return value


def to_plain_checkpoint(checkpoint: dict[str, Any]) -> None:
    """Makes ``meta`` and ``message_hub`` of ``checkpoint`` plain data, in place."""
    for key in ('meta', 'message_hub'):
        if key in checkpoint:
            checkpoint[key] = to_plain_data(checkpoint[key])


def from_plain_checkpoint(checkpoint: dict[str, Any]) -> None:
    """Restores the history buffers of ``checkpoint['message_hub']``, in place."""
    if isinstance(checkpoint.get('message_hub'), Mapping):
        checkpoint['message_hub'] = _restore_buffers(checkpoint['message_hub'])


def update_latest_link(out_dir: str, filename: str, link_name: str = 'latest.pth') -> None:
    """Points ``out_dir/latest.pth`` at ``filename`` (a relative symlink, or a copy).

    The link is replaced atomically, as mmcv 1.x's ``create_symlink`` did
    non-atomically.
    """
    link = osp.join(out_dir, link_name)
    tmp = osp.join(out_dir, f'.{link_name}.tmp-{os.getpid()}')
    if osp.lexists(tmp):
        os.remove(tmp)
    try:
        os.symlink(filename, tmp)
    except OSError:  # no symlinks (e.g. Windows without privileges): copy
        shutil.copyfile(osp.join(out_dir, filename), tmp)
    os.replace(tmp, link)


__all__ = [
    'from_plain_checkpoint',
    'to_plain_checkpoint',
    'to_plain_data',
    'update_latest_link',
]
