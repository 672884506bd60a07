"""``compat_cfg``: moves deprecated 0.x config keys to where the training code reads them.

Behaviour (mmdet 2.x / MMFewShot 0.1 semantics), applied to a deep copy:

* ``data.imgs_per_gpu`` becomes ``data.samples_per_gpu`` (it wins over an
  existing ``samples_per_gpu``, with a warning);
* ``data.train_dataloader``, ``data.val_dataloader`` and ``data.test_dataloader``
  always exist afterwards (empty dicts by default);
* ``data.samples_per_gpu`` and ``data.persistent_workers`` move into
  ``data.train_dataloader``; ``data.workers_per_gpu`` is copied into all three
  loader dicts;
* ``data.val.samples_per_gpu`` moves to ``data.val_dataloader``;
  ``data.test.samples_per_gpu`` moves to ``data.test_dataloader`` (for a list of
  test datasets, the largest value, each missing one counting as 1);
* a config without ``runner`` but with ``total_epochs`` gets
  ``runner=dict(type='EpochBasedRunner', max_epochs=total_epochs)``.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import MutableMapping
from typing import Any, TypeVar

from mmengine.config import ConfigDict

CfgT = TypeVar('CfgT', bound=MutableMapping[str, Any])

_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_LOADER_OF = {
    'data.samples_per_gpu': 'train_dataloader',
    'data.persistent_workers': 'train_dataloader',
    'data.val.samples_per_gpu': 'val_dataloader',
    'data.test.samples_per_gpu': 'test_dataloader',
}


def _move(
    src: MutableMapping[str, Any], key: str, dst: MutableMapping[str, Any], where: str
) -> None:
    """Moves ``src[key]`` to ``dst[key]``; ``where`` is the deprecated path (for messages)."""
    if key not in src:
        return
    if key in dst:
        raise ValueError(
            f'{where} is deprecated and data.{_LOADER_OF[where]}.{key} is also set; '
            f'keep only data.{_LOADER_OF[where]}.{key}'
        )
    dst[key] = src.pop(key)


def _compat_imgs_per_gpu(data: MutableMapping[str, Any]) -> None:
    if 'imgs_per_gpu' not in data:
        return
    imgs = data.pop('imgs_per_gpu')
    if 'samples_per_gpu' in data and data['samples_per_gpu'] != imgs:
        warnings.warn(
            f'data.imgs_per_gpu={imgs} and data.samples_per_gpu={data["samples_per_gpu"]} are '
            f'both set; imgs_per_gpu is deprecated and its value {imgs} is used',
            UserWarning,
            stacklevel=3,
        )
    else:
        warnings.warn(
            f'data.imgs_per_gpu is deprecated; using it as data.samples_per_gpu={imgs}',
            UserWarning,
            stacklevel=3,
        )
    data['samples_per_gpu'] = imgs


def _compat_loader_args(data: MutableMapping[str, Any]) -> None:
    for loader in _LOADERS:
        if data.get(loader) is None:
            data[loader] = ConfigDict()
    train = data['train_dataloader']
    _move(data, 'samples_per_gpu', train, 'data.samples_per_gpu')
    _move(data, 'persistent_workers', train, 'data.persistent_workers')
    if 'workers_per_gpu' in data:
        workers = data.pop('workers_per_gpu')
        for loader in _LOADERS:
            data[loader].setdefault('workers_per_gpu', workers)

    val = data.get('val')
    if isinstance(val, MutableMapping):
        _move(val, 'samples_per_gpu', data['val_dataloader'], 'data.val.samples_per_gpu')

    test = data.get('test')
    if isinstance(test, MutableMapping):
        _move(test, 'samples_per_gpu', data['test_dataloader'], 'data.test.samples_per_gpu')
    elif isinstance(test, list) and any('samples_per_gpu' in ds for ds in test):
        if 'samples_per_gpu' in data['test_dataloader']:
            raise ValueError(
                'data.test[i].samples_per_gpu is deprecated and '
                'data.test_dataloader.samples_per_gpu is also set; '
                'keep only data.test_dataloader.samples_per_gpu'
            )
        data['test_dataloader']['samples_per_gpu'] = max(
            ds.pop('samples_per_gpu', 1) for ds in test
        )


def _compat_runner(cfg: MutableMapping[str, Any]) -> None:
    if 'total_epochs' not in cfg:
        return
    total = cfg['total_epochs']
    runner = cfg.get('runner')
    if runner is None:
        warnings.warn(
            f'total_epochs={total} is deprecated; add runner=dict(type="EpochBasedRunner", '
            f'max_epochs={total}) to the config',
            UserWarning,
            stacklevel=3,
        )
        cfg['runner'] = ConfigDict(type='EpochBasedRunner', max_epochs=total)
    elif runner.get('max_epochs', total) != total:
        raise ValueError(
            f'total_epochs={total} disagrees with runner.max_epochs={runner["max_epochs"]}; '
            'delete total_epochs (deprecated) and keep runner.max_epochs'
        )


def compat_cfg(cfg: CfgT) -> CfgT:
    """Returns a copy of ``cfg`` with deprecated keys moved (see the module docstring).

    Args:
        cfg: A config (:class:`mmengine.Config`, ``ConfigDict`` or ``dict``); it is
            not modified.

    Returns:
        The updated deep copy.

    Raises:
        ValueError: If a value is set both in its deprecated place and in the
            matching ``data.*_dataloader`` dict, or ``total_epochs`` disagrees
            with ``runner.max_epochs``.

    Examples:
        >>> cfg = dict(data=dict(samples_per_gpu=2, workers_per_gpu=1, val=dict(samples_per_gpu=4)))
        >>> new = compat_cfg(cfg)
        >>> new['data']['train_dataloader'], new['data']['val_dataloader']
        ({'samples_per_gpu': 2, 'workers_per_gpu': 1}, {'workers_per_gpu': 1, 'samples_per_gpu': 4})
    """
    cfg = copy.deepcopy(cfg)
    data = cfg.get('data')
    if isinstance(data, MutableMapping):
        _compat_imgs_per_gpu(data)
        _compat_loader_args(data)
    _compat_runner(cfg)
    return cfg


__all__ = ['compat_cfg']
