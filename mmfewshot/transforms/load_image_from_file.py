"""LoadImageFromFile: the first step of every pipeline (mmcls 0.x / mmdet 2.x arguments)."""

from __future__ import annotations

import os.path as osp
from typing import Any

import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import (
    decode_image,
    file_backend_args,
    read_bytes,
    require_key,
)

_COLOR_TYPES = (
    'color',
    'grayscale',
    'unchanged',
    'color_ignore_orientation',
    'grayscale_ignore_orientation',
)


@TRANSFORMS.register_module()
class LoadImageFromFile:
    """Reads ``img_prefix / img_info['filename']`` into ``results['img']``.

    With ``results['img_prefix']`` missing or ``None`` the filename is used as is.
    Sets ``filename``, ``ori_filename``, ``img`` (``H x W x 3`` uint8, BGR by
    default), ``img_shape``, ``ori_shape``, ``img_fields=['img']`` and an identity
    ``img_norm_cfg`` (replaced by :class:`Normalize`). A missing, empty, truncated
    or undecodable file raises one line naming the file and the fix.

    Args:
        to_float32: Whether to convert the image to float32.
        color_type: mmcv decoding flag: ``'color'``, ``'grayscale'`` or ``'unchanged'``.
        file_client_args: mmcv 1.x file client arguments; ``None`` means
            ``dict(backend='disk')``. Other backends go through mmengine's file I/O.
        channel_order: ``'bgr'`` (the OpenMMLab default) or ``'rgb'``.
    """

    def __init__(
        self,
        to_float32: bool = False,
        color_type: str = 'color',
        file_client_args: dict[str, Any] | None = None,
        channel_order: str = 'bgr',
    ) -> None:
        if color_type not in _COLOR_TYPES:
            raise ValueError(f'color_type={color_type!r} is unknown; use one of {_COLOR_TYPES}')
        if channel_order not in ('bgr', 'rgb'):
            raise ValueError(f"channel_order={channel_order!r} is unknown; use 'bgr' or 'rgb'")
        self.to_float32 = to_float32
        self.color_type = color_type
        self.channel_order = channel_order
        self.file_client_args = (
            dict(file_client_args) if file_client_args is not None else {'backend': 'disk'}
        )
        self._backend_args = file_backend_args(self.file_client_args)

    def _filename(self, results: dict[str, Any]) -> tuple[str, str]:
        """Returns ``(full path, filename relative to img_prefix)``."""
        img_info = require_key(
            results,
            'img_info',
            type(self).__name__,
            'the dataset must give each item img_info=dict(filename=...)',
        )
        if 'filename' not in img_info:
            raise KeyError(
                f"{type(self).__name__} needs results['img_info']['filename'], which is missing; "
                'the dataset must give each item img_info=dict(filename=...)'
            )
        ori_filename = img_info['filename']
        prefix = results.get('img_prefix')
        filename = osp.join(prefix, ori_filename) if prefix is not None else ori_filename
        return filename, ori_filename

    def _set_image(
        self, results: dict[str, Any], img: np.ndarray, filename: str, ori_filename: str
    ) -> dict[str, Any]:
        if self.to_float32:
            img = img.astype(np.float32)
        results['filename'] = filename
        results['ori_filename'] = ori_filename
        results['img'] = img
        results['img_shape'] = img.shape
        results['ori_shape'] = img.shape
        results['img_fields'] = ['img']
        num_channels = 1 if img.ndim < 3 else img.shape[2]
        results['img_norm_cfg'] = dict(
            mean=np.zeros(num_channels, dtype=np.float32),
            std=np.ones(num_channels, dtype=np.float32),
            to_rgb=False,
        )
        return results

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Loads the image of one sample.

        Args:
            results: Sample dict with ``img_info['filename']`` and optionally ``img_prefix``.

        Returns:
            The same dict with the image and its meta added.
        """
        filename, ori_filename = self._filename(results)
        content = read_bytes(filename, self._backend_args)
        img = decode_image(content, filename, self.color_type, self.channel_order)
        return self._set_image(results, img, filename, ori_filename)

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(to_float32={self.to_float32}, '
            f"color_type='{self.color_type}', channel_order='{self.channel_order}', "
            f'file_client_args={self.file_client_args})'
        )
